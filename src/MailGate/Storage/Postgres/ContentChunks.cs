using System.Buffers;
using System.Data;
using Npgsql;

namespace MailGate.Storage.Postgres;

/// <summary>
/// Reads a <c>bytea</c> column into pooled arrays of <see cref="ChunkSize"/> bytes instead of one array of the whole
/// content: a 100 KiB message read back for parsing borrows two arrays that go back to the pool when its stream is
/// disposed, instead of allocating a large object (or even fresh small ones) per message.
/// </summary>
internal static class ContentChunks
{
    /// <summary>The size of each chunk, in bytes (one of <see cref="ArrayPool{T}.Shared"/>'s bucket sizes).</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>
    /// Runs <paramref name="command"/> (one row, the content in column 0) with sequential access and reads that column
    /// whole, in chunks; null when there is no row. The caller owns the result and disposes it once nothing reads
    /// its sequence any more.
    /// </summary>
    /// <exception cref="NpgsqlException">The database failed while reading (the chunks taken so far are returned).</exception>
    public static Borrowed? Read(NpgsqlCommand command)
    {
        using var reader = command.ExecuteReader(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow);
        if (!reader.Read())
        {
            return null;
        }

        using var stream = reader.GetStream(0);
        var arrays = new List<byte[]>();
        try
        {
            Chunk? first = null, last = null;
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                arrays.Add(buffer);
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
                    return new Borrowed(new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length), arrays);
                }
            }
        }
        catch
        {
            arrays.ForEach(a => ArrayPool<byte>.Shared.Return(a));
            throw;
        }
    }

    /// <summary>A content read into pooled arrays; <see cref="Dispose"/> gives them back (once, however often it is called).</summary>
    internal sealed class Borrowed(ReadOnlySequence<byte> sequence, List<byte[]> arrays) : IDisposable
    {
        private List<byte[]>? _arrays = arrays;

        /// <summary>The content; not to be read after <see cref="Dispose"/> (its arrays then belong to others).</summary>
        public ReadOnlySequence<byte> Sequence { get; } = sequence;

        /// <inheritdoc/>
        public void Dispose() => Interlocked.Exchange(ref _arrays, null)?.ForEach(a => ArrayPool<byte>.Shared.Return(a));
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
