using System.Text;
using MimeKit.Text;

namespace MailGate.Core.Parse;

/// <summary>
/// Turns an HTML body into plain text for rules: the text of the document, entities decoded, one line
/// per block element, table cells apart, script, style and title dropped. Uses MimeKit's HTML tokenizer,
/// so no HTML library is needed beside it; this is for matching words, not for rendering.
/// </summary>
/// <remarks>
/// Only the elements whose text is never shown are hidden, each until its own end tag; <c>&lt;head&gt;</c>
/// is not, because HTML lets <c>&lt;/head&gt;</c> be left out and counting it would hide the whole body.
/// </remarks>
public static class HtmlText
{
    /// <summary>The readable text of <paramref name="html"/>.</summary>
    public static string ToPlainText(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        using var reader = new StringReader(html);
        return ToPlainText(reader, int.MaxValue);
    }

    /// <summary>
    /// The readable text of the HTML read from <paramref name="html"/>; stops reading once the text is
    /// longer than <paramref name="max"/> characters. The first <paramref name="max"/> characters are
    /// then the same as those of the whole document's text.
    /// </summary>
    public static string ToPlainText(TextReader html, int max)
    {
        ArgumentNullException.ThrowIfNull(html);
        // Stop a little past max: until then a later token can still drop the last character (a space
        // before a line break) and the final Trim can remove a trailing run of whitespace, and such runs
        // are at most two characters long ("\n\n"); past the margin, the first max characters are final.
        var stopAt = max > int.MaxValue - StopMargin ? int.MaxValue : max + StopMargin;
        var text = new StringBuilder();
        var hidden = 0;
        var tokenizer = new HtmlTokenizer(html);
        while (text.Length <= stopAt && tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Id is HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Title:
                    hidden = Math.Max(0, hidden + (tag.IsEndTag ? -1 : tag.IsEmptyElement ? 0 : 1));
                    break;
                case HtmlTagToken tag when BreaksLine(tag.Id):
                    AppendLineBreak(text);
                    break;
                case HtmlTagToken { Id: HtmlTagId.TD or HtmlTagId.TH, IsEndTag: false }:
                    AppendSpace(text);
                    break;
                case HtmlDataToken data when hidden == 0 && token.Kind == HtmlTokenKind.Data:
                    AppendCollapsed(text, data.Data);
                    break;
                default:
                    break;
            }
        }

        return text.ToString().Trim();
    }

    private const int StopMargin = 8;

    private static bool BreaksLine(HtmlTagId id) => id is
        HtmlTagId.Br or HtmlTagId.P or HtmlTagId.Div or HtmlTagId.TR or HtmlTagId.LI or HtmlTagId.Table
        or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3 or HtmlTagId.H4 or HtmlTagId.H5 or HtmlTagId.H6
        or HtmlTagId.BlockQuote or HtmlTagId.Pre or HtmlTagId.HR or HtmlTagId.UL or HtmlTagId.OL;

    private static void AppendLineBreak(StringBuilder text)
    {
        while (text.Length > 0 && text[^1] == ' ')
        {
            text.Length--;
        }

        if (text.Length > 0 && !(text.Length >= 2 && text[^1] == '\n' && text[^2] == '\n'))
        {
            text.Append('\n');
        }
    }

    private static void AppendSpace(StringBuilder text)
    {
        if (text.Length > 0 && text[^1] is not (' ' or '\n'))
        {
            text.Append(' ');
        }
    }

    private static void AppendCollapsed(StringBuilder text, string data)
    {
        foreach (var c in data)
        {
            if (char.IsWhiteSpace(c))
            {
                AppendSpace(text);
            }
            else
            {
                text.Append(c);
            }
        }
    }
}
