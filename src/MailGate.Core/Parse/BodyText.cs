using System.Text;
using MimeKit;
using MimeKit.IO;
using MimeKit.IO.Filters;

namespace MailGate.Parse;

/// <summary>
/// Streams the text of a <see cref="TextPart"/>, decoded exactly as <see cref="TextPart.Text"/> decodes
/// it, so that a caller can stop reading once it has what it needs instead of holding the whole part
/// as one string.
/// </summary>
internal static class BodyText
{
    /// <summary>UTF-8 that throws on invalid bytes, as MimeKit's own (internal) <c>CharsetUtils.UTF8</c>.</summary>
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Calls <paramref name="read"/> with a reader over the decoded text of <paramref name="part"/>. The
    /// text is what <see cref="TextPart.GetText(out Encoding)"/> returns: the declared charset, else a
    /// byte-order mark (or, for HTML, a <c>&lt;meta&gt;</c> charset), else UTF-8, and ISO-8859-1 when the
    /// UTF-8 turns out invalid (then <paramref name="read"/> is called again from the start); line ends
    /// as <see cref="FormatOptions.Default"/> writes them.
    /// </summary>
    public static T Read<T>(TextPart part, Func<TextReader, T> read)
    {
        if (part.Content is null)
        {
            using var empty = new StringReader("");
            return read(empty);
        }

        if (!part.TryDetectEncoding(out var encoding, out _))
        {
            encoding = StrictUtf8;
        }

        try
        {
            return Read(part.Content, encoding, read);
        }
        catch (DecoderFallbackException)
        {
            return Read(part.Content, Encoding.Latin1, read);
        }
    }

    /// <summary>The first <paramref name="max"/> characters of <paramref name="reader"/> (fewer if it ends first).</summary>
    public static string ReadAtMost(TextReader reader, int max)
    {
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while (text.Length < max && (read = reader.Read(buffer, 0, Math.Min(buffer.Length, max - text.Length))) > 0)
        {
            text.Append(buffer, 0, read);
        }

        return text.ToString();
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
