using System.Buffers;

namespace MailGate.Core.Rules;

/// <summary>
/// The one whitespace rule for everything rules compare, extract and print: text as a reader sees it.
/// Every run of white space — space, TAB, CR, LF, VT, FF, NEL, NBSP and the other Unicode spaces
/// (U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000: <see cref="char.IsWhiteSpace(char)"/>)
/// — becomes one space, with none at either end; invisible characters (zero-width space, non-joiner and
/// joiner U+200B–U+200D, word joiner U+2060, zero-width no-break space / BOM U+FEFF, Mongolian vowel
/// separator U+180E, soft hyphen U+00AD) are removed.
/// </summary>
/// <remarks>
/// Why: unfolding a header (RFC 5322 §2.2.3) only removes the CRLF, so a Subject folded with a TAB, as
/// Outlook folds, reads <c>Your AWS Abuse\tReport</c>; mailers also put NBSP or doubled spaces into
/// text. Other control characters are left alone (they are not white space).
/// </remarks>
public static class RuleText
{
    /// <summary>Every character that <see cref="Normalize"/> changes wherever it stands: white space other than the plain space, and the invisible characters.</summary>
    private static readonly SearchValues<char> Special = SearchValues.Create(SpecialCharacters());

    /// <summary><paramref name="text"/> normalised; the same instance when it already is.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsNormal(text))
        {
            return text;
        }

        return Build(text);
    }

    /// <summary>Whether <see cref="Normalize"/> would leave <paramref name="text"/> as it is.</summary>
    public static bool IsNormal(ReadOnlySpan<char> text) =>
        text.IndexOfAny(Special) < 0
        && (text.Length == 0 || (text[0] != ' ' && text[^1] != ' '))
        && text.IndexOf("  ", StringComparison.Ordinal) < 0;

    /// <summary>
    /// <paramref name="text"/> normalised line by line, for what a <c>regex</c> reads in the body: each
    /// line as <see cref="Normalize"/> makes it (white space runs one space, none at either end,
    /// invisible characters removed), the lines joined by <c>\n</c> — CRLF, CR, LF, NEL (U+0085) and the
    /// line and paragraph separators (U+2028, U+2029) each end a line; blank lines are kept, none before
    /// the first or after the last line with text. So <c>(?m)^Status: ALARM$</c> and <c>Region: (.+)</c>
    /// still see one line, as they did in version 1 (where the body was read raw), while a TAB or a
    /// doubled space inside a line counts as one space.
    /// </summary>
    public static string NormalizeLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var length = WriteLines(text, []);
        return string.Create(length, text, static (buffer, source) => WriteLines(source, buffer));
    }

    /// <summary>Whether <paramref name="c"/> ends a line for <see cref="NormalizeLines"/> (CR, LF, NEL, U+2028, U+2029).</summary>
    private static bool IsLineBreak(char c) => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029';

    /// <summary>Writes <see cref="NormalizeLines"/> of <paramref name="text"/> into <paramref name="buffer"/> (when not empty) and returns its length.</summary>
    private static int WriteLines(string text, Span<char> buffer)
    {
        var length = 0;
        var breaks = 0;
        var pendingSpace = false;
        var lineHasText = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsLineBreak(c))
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                breaks += length > 0 ? 1 : 0;
                pendingSpace = false;
                lineHasText = false;
                continue;
            }

            if (IsInvisible(c))
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                pendingSpace = lineHasText;
                continue;
            }

            var gap = breaks > 0 ? breaks : pendingSpace ? 1 : 0;
            for (var g = 0; g < gap; g++)
            {
                if (!buffer.IsEmpty)
                {
                    buffer[length] = breaks > 0 ? '\n' : ' ';
                }

                length++;
            }

            breaks = 0;
            pendingSpace = false;
            if (!buffer.IsEmpty)
            {
                buffer[length] = c;
            }

            length++;
            lineHasText = true;
        }

        return length;
    }

    /// <summary>Whether <paramref name="c"/> is removed outright: it takes no space on screen.</summary>
    public static bool IsInvisible(char c) => c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u180E' or '\u00AD';

    /// <summary>Two passes, one allocation: the length of the result, then the result.</summary>
    private static string Build(string text)
    {
        var length = Write(text, []);
        return string.Create(length, text, static (buffer, source) => Write(source, buffer));
    }

    /// <summary>Writes the normalised <paramref name="text"/> into <paramref name="buffer"/> (when it is not empty) and returns its length.</summary>
    private static int Write(string text, Span<char> buffer)
    {
        var length = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (IsInvisible(c))
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                pendingSpace = length > 0;
                continue;
            }

            if (pendingSpace)
            {
                if (!buffer.IsEmpty)
                {
                    buffer[length] = ' ';
                }

                length++;
                pendingSpace = false;
            }

            if (!buffer.IsEmpty)
            {
                buffer[length] = c;
            }

            length++;
        }

        return length;
    }

    private static string SpecialCharacters()
    {
        var special = new System.Text.StringBuilder();
        for (var c = 0; c <= char.MaxValue; c++)
        {
            if ((char.IsWhiteSpace((char)c) && c != ' ') || IsInvisible((char)c))
            {
                special.Append((char)c);
            }
        }

        return special.ToString();
    }
}
