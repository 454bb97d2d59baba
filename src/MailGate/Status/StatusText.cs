using System.Globalization;
using System.Net;
using System.Text;

namespace MailGate.Status;

/// <summary>
/// Attacker-written text (subjects, senders, errors) made safe to show: characters that reorder or hide text
/// (bidirectional overrides, isolates and marks; other control characters) are replaced by a visible
/// <c>[U+202E]</c>, a value longer than its limit is cut with an ellipsis, and the result is HTML-encoded
/// (<see cref="Html"/>) or left as text for the JSON API (<see cref="Plain"/>). Pure.
/// </summary>
internal static class StatusText
{
    /// <summary>The longest value shown in a table cell, in characters.</summary>
    public const int Cell = 120;

    /// <summary>The longest value shown on a decision page, in characters.</summary>
    public const int Long = 2000;

    /// <summary>The neutralised, cut text of <paramref name="text"/> (null is empty), HTML-encoded for an element or attribute.</summary>
    public static string Html(string? text, int max = Cell) => WebUtility.HtmlEncode(Plain(text, max));

    /// <summary>
    /// <paramref name="text"/> with every bidi control and other control character (but tab) shown as <c>[U+XXXX]</c>,
    /// cut to <paramref name="max"/> characters (the last one an ellipsis, never half a surrogate pair).
    /// </summary>
    public static string Plain(string? text, int max = Long)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var shown = new StringBuilder(Math.Min(text.Length, max + 16));
        foreach (var c in text)
        {
            if (IsHidden(c))
            {
                shown.Append("[U+").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append(']');
            }
            else
            {
                shown.Append(c);
            }

            if (shown.Length > max)
            {
                break;
            }
        }

        if (shown.Length <= max)
        {
            return shown.ToString();
        }

        var keep = max - 1;
        if (keep > 0 && char.IsHighSurrogate(shown[keep - 1]))
        {
            keep--;
        }

        return shown.ToString(0, keep) + "…";
    }

    /// <summary>Whether <paramref name="c"/> is shown as its code: bidi embeddings, overrides, isolates and marks, and control characters but tab and line breaks.</summary>
    public static bool IsHidden(char c) =>
        c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C'
        || (char.IsControl(c) && c is not '\t' and not '\n' and not '\r');
}
