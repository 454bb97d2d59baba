using System.Buffers;
using System.Text;
using MimeKit;
using MimeKit.IO;
using MimeKit.IO.Filters;

namespace MailGate.Core.Parse;

/// <summary>
/// Streams the text of a <see cref="TextPart"/>, decoded as <see cref="TextPart.Text"/> decodes it when
/// its charset is declared and fits (with <see cref="Charsets"/>' candidates when not), so that a caller
/// can stop reading once it has what it needs instead of holding the whole part as one string.
/// </summary>
internal static class BodyText
{
    /// <summary>UTF-8 that throws on invalid bytes, as MimeKit's own (internal) <c>CharsetUtils.UTF8</c>.</summary>
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Calls <paramref name="read"/> with a reader over the decoded text of <paramref name="part"/>, line
    /// ends as <see cref="FormatOptions.Default"/> writes them. The charset is the part's own (its
    /// <c>charset</c> parameter, else a byte-order mark or, for HTML, a <c>&lt;meta&gt;</c> charset) when
    /// the bytes fit it, else the first of <paramref name="charsets"/>' candidates (UTF-8,
    /// <paramref name="declared"/>, the fallbacks) that fits, each tried strictly: <paramref name="read"/>
    /// is called again from the start after a misfit. When none fits, the part's own charset (else UTF-8)
    /// with U+FFFD for what does not fit.
    /// </summary>
    public static T Read<T>(TextPart part, Charsets charsets, IReadOnlyList<Encoding> declared, Func<TextReader, T> read)
    {
        if (part.Content is null)
        {
            using var empty = new StringReader("");
            return read(empty);
        }

        var own = part.TryDetectEncoding(out var detected, out _) ? detected : null;
        foreach (var encoding in charsets.Candidates(own is null ? null : Charsets.Strict(own.CodePage), declared))
        {
            try
            {
                return Read(part.Content, encoding, read);
            }
            catch (DecoderFallbackException)
            {
                // the bytes do not fit this charset: the next one reads them from the start
            }
        }

        return Read(part.Content, Charsets.Lenient((own ?? StrictUtf8).CodePage), read);
    }

    /// <summary>The first <paramref name="max"/> characters of <paramref name="reader"/> (fewer if it ends first).</summary>
    /// <remarks>
    /// Read into one pooled buffer that doubles as needed, then copied once into the result: a 100 KiB body costs one
    /// string, not a <see cref="StringBuilder"/>'s chunks plus that string (the allocation that dominated a burst of
    /// 100 KiB messages, bench/SYSTEM.md §"Memory: where the bytes went").
    /// </remarks>
    public static string ReadAtMost(TextReader reader, int max)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (max == 0)
        {
            return "";
        }

        var pool = ArrayPool<char>.Shared;
        var buffer = pool.Rent(Math.Min(max, 4096));
        var length = 0;
        try
        {
            while (length < max)
            {
                if (length == buffer.Length)
                {
                    var larger = pool.Rent((int)Math.Min(max, 2L * buffer.Length));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    pool.Return(buffer);
                    buffer = larger;
                }

                var read = reader.Read(buffer, length, Math.Min(buffer.Length, max) - length);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return new string(buffer, 0, length);
        }
        finally
        {
            pool.Return(buffer);
        }
    }

    private static T Read<T>(IMimeContent content, Encoding encoding, Func<TextReader, T> read)
    {
        // The same filters, in the same order, as TextPart.GetText(Encoding): the charset converted to
        // UTF-8, then the line ends.
        using var decoded = content.Open();
        using var filtered = new FilteredStream(decoded);
        filtered.Add(new CharsetFilter(encoding, StrictUtf8));
        filtered.Add(FormatOptions.Default.NewLineFormat == NewLineFormat.Unix ? new Dos2UnixFilter() : new Unix2DosFilter());
        using var reader = new StreamReader(filtered, StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096);
        return read(reader);
    }
}
