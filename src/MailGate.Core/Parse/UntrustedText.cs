using System.Globalization;
using System.Text;

namespace MailGate.Core.Parse;

/// <summary>
/// Makes text that anyone can write (subjects, addresses, bodies, header values) safe to show in a log
/// line, a terminal or an incident: characters that could rewrite the screen, hide or reorder text, or
/// break a line are replaced by a visible escape, and the size is bounded. One policy for every place
/// MailGate shows such text (logs, PagerDuty summary and details, the CLI).
/// </summary>
/// <remarks>
/// <para>
/// Escaped, each as <c>\uXXXX</c> (four upper-case hex digits, the code unit): the C0 controls
/// (U+0000–U+001F, so also CR, LF and TAB unless kept), DEL (U+007F), the C1 controls (U+0080–U+009F, with
/// NEL U+0085), the bidirectional formatting characters that reorder what follows (U+061C ALM,
/// U+200E/U+200F LRM/RLM, U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates; the
/// "Trojan Source" characters, CVE-2021-42574), the line and paragraph separators U+2028/U+2029, and
/// unpaired surrogates (which are not text and break JSON and UTF-8 output).
/// </para>
/// <para>
/// The escape is the one JSON uses, so escaping JSON text keeps it valid JSON with the same value (every
/// escaped character can only occur inside a JSON string). An operator sees that something was there and
/// what it was; a backslash already in the text is left alone, so <c>\u001B</c> written literally by a
/// sender looks the same as an escaped ESC (both are harmless).
/// </para>
/// </remarks>
public static class UntrustedText
{


    /// <summary>Whether <paramref name="c"/> is escaped by <see cref="Escape(string, string)"/> (unless kept).</summary>
    public static bool IsUnsafe(char c) => c switch
    {
        < '\u0020' => true,
        >= '\u007F' and <= '\u009F' => true,
        '\u061C' or '\u200E' or '\u200F' => true,
        >= '\u202A' and <= '\u202E' => true,
        >= '\u2066' and <= '\u2069' => true,
        '\u2028' or '\u2029' => true,
        _ => false,
    };

    /// <summary>Whether <paramref name="text"/> holds a character <see cref="Escape(string, string)"/> would escape (besides <paramref name="keep"/>).</summary>
    public static bool NeedsEscape(ReadOnlySpan<char> text, string keep = "") => NextEscaped(text, 0, keep) >= 0;

    /// <summary>
    /// <paramref name="text"/> with every unsafe character (see the remarks on <see cref="UntrustedText"/>)
    /// replaced by <c>\uXXXX</c>, except those in <paramref name="keep"/> (e.g. <c>"\n\t"</c> for a body);
    /// the same instance when nothing needs escaping.
    /// </summary>
    public static string Escape(string text, string keep = "")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(keep);
        var next = NextEscaped(text, 0, keep);
        if (next < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 16);
        var done = 0;
        while (next >= 0)
        {
            result.Append(text, done, next - done).Append(CultureInfo.InvariantCulture, $"\\u{(int)text[next]:X4}");
            done = next + 1;
            next = NextEscaped(text, done, keep);
        }

        return result.Append(text, done, text.Length - done).ToString();
    }

    /// <summary>The index of the first character at or after <paramref name="start"/> that is escaped, or -1.</summary>
    private static int NextEscaped(ReadOnlySpan<char> text, int start, string keep)
    {
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= '\u00A0' and < '\u061C')
            {
                continue; // most text: Latin letters and punctuation above the C1 block
            }

            if (IsUnsafe(c) ? !keep.Contains(c, StringComparison.Ordinal) : IsUnpairedSurrogate(text, i))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// <paramref name="text"/> cut to its first <paramref name="max"/> characters followed by
    /// <c>…(+N chars)</c> (N: how many were left out) when it is longer; never splits a surrogate pair.
    /// </summary>
    public static string Bound(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (text.Length <= max)
        {
            return text;
        }

        var cut = CutAt(text, max);
        return string.Concat(text.AsSpan(0, cut), CutNote(text.Length - cut));
    }

    /// <summary>
    /// <see cref="Escape(string, string)"/> of at most the first <paramref name="max"/> characters, with
    /// <see cref="Bound"/>'s note when cut: a hostile value costs at most about 6 × <paramref name="max"/>
    /// characters however long it is.
    /// </summary>
    public static string ForDisplay(string text, int max, string keep = "")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (text.Length <= max)
        {
            return Escape(text, keep);
        }

        var cut = CutAt(text, max);
        return string.Concat(Escape(text[..cut], keep), CutNote(text.Length - cut));
    }

    private static int CutAt(string text, int max) => max > 0 && char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;

    /// <summary>What ends a cut value: <c>…(+N chars)</c>, N the characters left out.</summary>
    private static string CutNote(int leftOut) => string.Create(CultureInfo.InvariantCulture, $"…(+{leftOut} chars)");

    private static bool IsUnpairedSurrogate(ReadOnlySpan<char> text, int i)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c))
        {
            return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        }

        return char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]));
    }
}
