using System.Buffers;
using System.Text;

namespace MailGate.Tests.Shared;

/// <summary>Builds a <see cref="ReadOnlySequence{T}"/> of several segments, as a pipe hands data over. Shared by both test projects.</summary>
internal static class Segments
{
    /// <summary><paramref name="text"/> as UTF-8, cut into segments of <paramref name="size"/> bytes (the last may be shorter).</summary>
    public static ReadOnlySequence<byte> Of(string text, int size) => Of(Encoding.UTF8.GetBytes(text), size);

    /// <summary><paramref name="bytes"/> cut into segments of <paramref name="size"/> bytes (the last may be shorter).</summary>
    public static ReadOnlySequence<byte> Of(byte[] bytes, int size)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        var last = first;
        for (var start = size; start < bytes.Length; start += size)
        {
            last = last.Append(bytes.AsMemory(start, Math.Min(size, bytes.Length - start)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Each of <paramref name="parts"/> (ASCII) as one segment, in order.</summary>
    public static ReadOnlySequence<byte> Of(params string[] parts)
    {
        var first = new Segment(Encoding.ASCII.GetBytes(parts[0]), 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(Encoding.ASCII.GetBytes(part));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
