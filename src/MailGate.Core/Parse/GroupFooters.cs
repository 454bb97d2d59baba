namespace MailGate.Core.Parse;

/// <summary>
/// Finds and removes the footer a Google Group appends to the text (and HTML) of every message it
/// delivers, so that rules, responders and the content hash see the author's text only.
/// </summary>
/// <remarks>
/// <para>
/// The footer (MAIL-FACTS §4) is a signature block at the end of the text:
/// <c>-- </c>, then <c>You received this message because you are subscribed to the Google Groups "G"
/// group.</c>, <c>To unsubscribe from this group and stop receiving emails from it, send an email to
/// g+unsubscribe@domain.</c> and, depending on the group, <c>To view this discussion on the web visit
/// https://groups.google.com/…</c>, <c>For more options, visit …</c>, <c>To post to this group, send
/// email to …</c>, <c>Visit this group at …</c>. In the HTML part the same lines end in <c>&lt;br&gt;</c>,
/// so its extracted text looks the same. Each group a message passes appends its own footer, in its
/// owner's language (Japanese: <c>このメールは Google グループのグループ「G」の登録者に送られています。</c>).
/// </para>
/// <para>
/// A trailing block is a footer when it starts at a line beginning with a known first sentence (English,
/// Japanese), or at a signature separator (<c>--</c> with optional trailing space) directly before
/// such a line; or, for languages whose wording is not listed, at a separator followed by lines that
/// name Google and a <c>+unsubscribe@</c> address (every footer names that address). The block must be
/// at most <see cref="MaxFooterChars"/> characters, so a long author text after a quoted footer is never
/// taken. Footers are removed from the end repeatedly (nested groups add one each); text in the middle
/// of the body is never touched.
/// </para>
/// </remarks>
public static class GroupFooters
{
    /// <summary>The longest block taken as one footer (its discussion link and unsubscribe lines included).</summary>
    public const int MaxFooterChars = 2000;

    /// <summary>First sentences of the footer in the languages seen; the block starts at the line that begins with one.</summary>
    private static readonly string[] FirstSentences =
    [
        "You received this message because you are subscribed to the Google Groups",
        "このメールは Google グループのグループ",
        "このメールは Google グループ",
    ];

    /// <summary>Whether <paramref name="text"/> holds nothing but white space and group footers.</summary>
    public static bool IsOnlyFooters(string? text) => string.IsNullOrWhiteSpace(text) || Strip(text).Length == 0;

    /// <summary>
    /// <paramref name="text"/> without the group footers at its end (and the white space before them);
    /// the same instance when it ends in none.
    /// </summary>
    public static string Strip(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var end = text.Length;
        int start;
        while ((start = FooterStart(text, end)) >= 0)
        {
            end = start;
        }

        return end == text.Length ? text : text[..end].TrimEnd();
    }

    /// <summary>Where the footer that ends <paramref name="text"/>[..<paramref name="end"/>] starts, or -1.</summary>
    private static int FooterStart(string text, int end)
    {
        var body = text.AsSpan(0, end).TrimEnd();
        if (body.IsEmpty)
        {
            return -1;
        }

        var windowStart = Math.Max(0, body.Length - MaxFooterChars);
        var separator = -1;
        for (var lineStart = LineStart(body, body.Length - 1); lineStart >= windowStart; lineStart = LineStart(body, lineStart - 1))
        {
            var line = LineAt(body, lineStart);
            if (StartsWithFirstSentence(line))
            {
                var previous = PreviousNonBlankLine(body, lineStart);
                return previous >= 0 && IsSeparator(LineAt(body, previous)) ? previous : lineStart;
            }

            if (separator < 0 && IsSeparator(line) && LooksLikeFooter(body[lineStart..]))
            {
                separator = lineStart;
            }

            if (lineStart == 0)
            {
                break;
            }
        }

        return separator;
    }

    private static bool StartsWithFirstSentence(ReadOnlySpan<char> line)
    {
        var trimmed = line.TrimStart();
        foreach (var sentence in FirstSentences)
        {
            if (trimmed.StartsWith(sentence, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSeparator(ReadOnlySpan<char> line) => line.Trim().SequenceEqual("--");

    /// <summary>A footer in a language whose first sentence is not listed: names Google and a group's unsubscribe address.</summary>
    private static bool LooksLikeFooter(ReadOnlySpan<char> block) =>
        block.Contains("+unsubscribe@", StringComparison.OrdinalIgnoreCase) && block.Contains("Google", StringComparison.OrdinalIgnoreCase);

    /// <summary>The start of the line that holds <paramref name="text"/>[<paramref name="index"/>] (a line's '\n' belongs to it).</summary>
    private static int LineStart(ReadOnlySpan<char> text, int index) => text[..index].LastIndexOf('\n') + 1;

    private static ReadOnlySpan<char> LineAt(ReadOnlySpan<char> text, int start)
    {
        var rest = text[start..];
        var newline = rest.IndexOf('\n');
        return (newline < 0 ? rest : rest[..newline]).TrimEnd('\r');
    }

    /// <summary>The start of the nearest non-blank line above the line starting at <paramref name="lineStart"/>, or -1.</summary>
    private static int PreviousNonBlankLine(ReadOnlySpan<char> text, int lineStart)
    {
        while (lineStart > 0)
        {
            lineStart = LineStart(text, lineStart - 1);
            if (!LineAt(text, lineStart).IsWhiteSpace())
            {
                return lineStart;
            }
        }

        return -1;
    }
}
