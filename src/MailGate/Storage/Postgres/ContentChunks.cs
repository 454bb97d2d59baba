using System.Buffers;
using System.Data;
using Npgsql;

namespace MailGate.Storage.Postgres;

/// <summary>
/// Reads a <c>bytea</c> column into arrays of <see cref="ChunkSize"/> bytes (under the runtime's 85,000-byte
/// large-object threshold) instead of one array of the whole content: a 100 KiB message read back for parsing is
/// then short-lived small-object garbage that a gen-0 collection frees, not a large-object allocation that only a
/// full collection returns.
/// </summary>
internal static class ContentChunks
{
    /// <summary>The size of each chunk, in bytes.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>
    /// Runs <paramref name="command"/> (one row, the content in column 0) with sequential access and reads that column
    /// whole, in chunks; null when there is no row.
    /// </summary>
    /// <exception cref="NpgsqlException">The database failed while reading.</exception>
    public static ReadOnlySequence<byte>? Read(NpgsqlCommand command)
    {
        using var reader = command.ExecuteReader(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow);
        if (!reader.Read())
        {
            return null;
        }

        using var stream = reader.GetStream(0);
        Chunk? first = null, last = null;
        while (true)
        {
            var buffer = new byte[ChunkSize];
            var filled = 0;
            int read;
            while (filled < buffer.Length && (read = stream.Read(buffer, filled, buffer.Length - filled)) > 0)
            {
                filled += read;
            }

            if (filled > 0 || first is null)
            {
                last = last is null ? first = new Chunk(buffer.AsMemory(0, filled), 0) : last.Append(buffer.AsMemory(0, filled));
            }

            if (filled < buffer.Length)
            {
                return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
            }
        }
    }

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Chunk Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Chunk(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
