using System.Buffers;

namespace MailGate.Core.Parse;

/// <summary>Measures a raw message's header section without parsing it.</summary>
public static class HeaderSection
{
    /// <summary>
    /// The length in bytes of the header section (up to and including the empty line), or -1 when no
    /// empty line occurs within the first <paramref name="limit"/> bytes and the data is longer than that.
    /// A message that is all headers (no body) counts whole.
    /// </summary>
    /// <remarks>
    /// Lines may end in CRLF or a bare LF, as MimeKit accepts both: a message with bare LFs must not have
    /// its whole body counted as headers.
    /// </remarks>
    public static long Measure(ReadOnlySequence<byte> data, int limit)
    {
        var window = data.Length > limit ? data.Slice(0, limit) : data;
        var reader = new SequenceReader<byte>(window);
        if (SkipEmptyLine(ref reader))
        {
            return reader.Consumed;
        }

        while (reader.TryAdvanceTo((byte)'\n'))
        {
            if (SkipEmptyLine(ref reader))
            {
                return reader.Consumed;
            }
        }

        return data.Length > limit ? -1 : data.Length;
    }

    /// <summary>Reads the start of <paramref name="stream"/> and measures it as <see cref="Measure(ReadOnlySequence{byte}, int)"/> does; rewinds the stream.</summary>
    public static long Measure(Stream stream, int limit)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var start = stream.Position;
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var read = stream.ReadAtLeast(buffer.AsSpan(0, limit + 1), limit + 1, throwOnEndOfStream: false);
            var measured = Measure(new ReadOnlySequence<byte>(buffer, 0, read), limit);
            return measured;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            stream.Position = start;
        }
    }

    /// <summary>
    /// Whether <paramref name="data"/> starts with a header field: a name of printable US-ASCII other than
    /// a colon (RFC 5322 §2.2 <c>ftext</c>), optionally followed by spaces or tabs (the obsolete syntax of
    /// §4.5), then a colon, within the first line. A message without one has no header section: MimeKit
    /// would find no header field in it, and nothing could be decided about it.
    /// </summary>
    public static bool StartsWithHeaderField(ReadOnlySequence<byte> data)
    {
        var reader = new SequenceReader<byte>(data.Length > MaxFieldNameScan ? data.Slice(0, MaxFieldNameScan) : data);
        var name = 0;
        var spaces = false;
        while (reader.TryRead(out var b))
        {
            switch (b)
            {
                case (byte)':':
                    return name > 0;
                case (byte)' ' or (byte)'\t' when name > 0:
                    spaces = true;
                    break;
                case >= 33 and <= 126 when !spaces:
                    name++;
                    break;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>How far <see cref="StartsWithHeaderField"/> looks for the colon (RFC 5322 §2.1.1's line length).</summary>
    private const int MaxFieldNameScan = 998;

    /// <summary>At the start of a line: when the line is empty, moves past it and says so.</summary>
    private static bool SkipEmptyLine(ref SequenceReader<byte> reader) =>
        reader.IsNext((byte)'\n', advancePast: true) || reader.IsNext("\r\n"u8, advancePast: true);
}
