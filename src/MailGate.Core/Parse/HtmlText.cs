using System.Text;
using MimeKit.Text;

namespace MailGate.Parse;

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
        var text = new StringBuilder(html.Length / 2);
        var hidden = 0;
        using var reader = new StringReader(html);
        var tokenizer = new HtmlTokenizer(reader);
        while (tokenizer.ReadNextToken(out var token))
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
