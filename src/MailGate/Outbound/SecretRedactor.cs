using System.Globalization;
using System.Text;

namespace MailGate.Outbound;

/// <summary>
/// Removes secrets (PagerDuty routing keys, AWS secret keys and session tokens) from text that came back
/// from a server — error messages, response bodies — before it is logged or stored, whatever case or
/// encoding the server quoted them in.
/// </summary>
/// <remarks>
/// An occurrence is found character by character: each character of the secret may appear as itself in
/// either case, or encoded as a URL escape (<c>%52</c>), a JSON/JavaScript escape (<c>\u0052</c>,
/// <c>\x52</c>, <c>\/</c> and the other backslash-and-character escapes) or an HTML character reference
/// (<c>&amp;#82;</c>, <c>&amp;#x52;</c>), in any mix. Encodings
/// that change the whole string at once (Base64, hashes) are not recognised. Secrets shorter than
/// <see cref="MinimumLength"/> characters are ignored: no real key is that short, and redacting them would
/// mangle ordinary text.
/// </remarks>
internal static class SecretRedactor
{
    /// <summary>The shortest secret that is looked for.</summary>
    public const int MinimumLength = 8;

    /// <summary>
    /// <paramref name="text"/> with every occurrence of each of <paramref name="secrets"/> replaced by
    /// <paramref name="placeholder"/>; the same instance when none occurs.
    /// </summary>
    public static string Redact(string text, IEnumerable<string?> secrets, string placeholder)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(secrets);
        foreach (var secret in secrets)
        {
            if (secret is { Length: >= MinimumLength })
            {
                text = RedactOne(text, secret, placeholder);
            }
        }

        return text;
    }

    private static string RedactOne(string text, string secret, string placeholder)
    {
        StringBuilder? result = null;
        var copied = 0;
        var i = 0;
        while (i < text.Length)
        {
            var end = MayStart(text[i], secret[0]) ? MatchAt(text, i, secret) : -1;
            if (end < 0)
            {
                i++;
                continue;
            }

            result ??= new StringBuilder(text.Length);
            result.Append(text, copied, i - copied).Append(placeholder);
            i = copied = end;
        }

        return result is null ? text : result.Append(text, copied, text.Length - copied).ToString();
    }

    private static bool MayStart(char c, char first) => SameIgnoringCase(c, first) || c is '%' or '\\' or '&';

    /// <summary>Where an occurrence of <paramref name="secret"/> that starts at <paramref name="start"/> ends, or -1.</summary>
    private static int MatchAt(string text, int start, string secret)
    {
        var i = start;
        foreach (var expected in secret)
        {
            if (i >= text.Length)
            {
                return -1;
            }

            if (SameIgnoringCase(text[i], expected))
            {
                i++;
            }
            else if (Decode(text, i, out var length) is { } decoded && SameIgnoringCase(decoded, expected))
            {
                i += length;
            }
            else
            {
                return -1;
            }
        }

        return i;
    }

    private static bool SameIgnoringCase(char a, char b) => a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b);

    /// <summary>The character an escape at <paramref name="at"/> stands for, and how long the escape is; null when there is none.</summary>
    private static char? Decode(string text, int at, out int length)
    {
        length = 0;
        var rest = text.AsSpan(at);
        if (rest.Length >= 3 && rest[0] == '%' && Hex(rest.Slice(1, 2)) is { } percent)
        {
            length = 3;
            return percent;
        }

        if (rest.Length >= 6 && rest[0] == '\\' && rest[1] is 'u' or 'U' && Hex(rest.Slice(2, 4)) is { } unicode)
        {
            length = 6;
            return unicode;
        }

        if (rest.Length >= 4 && rest[0] == '\\' && rest[1] is 'x' or 'X' && Hex(rest.Slice(2, 2)) is { } hex)
        {
            length = 4;
            return hex;
        }

        if (rest.Length >= 2 && rest[0] == '\\' && rest[1] is not ('u' or 'U' or 'x' or 'X' or 'b' or 'f' or 'n' or 'r' or 't' or '0'))
        {
            // JSON's "\/" and JavaScript's other identity escapes ("\c" is "c"): an AWS secret key has '/' in it.
            length = 2;
            return rest[1];
        }

        if (rest.Length >= 4 && rest[0] == '&' && rest[1] == '#')
        {
            var end = rest.IndexOf(';');
            if (end > 2 && end <= 10)
            {
                var number = rest[2..end];
                char? reference = number[0] is 'x' or 'X' ? Hex(number[1..]) : Decimal(number);
                length = end + 1;
                return reference;
            }
        }

        return null;
    }

    private static char? Hex(ReadOnlySpan<char> digits) =>
        digits.Length > 0 && int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) && value <= char.MaxValue
            ? (char)value
            : null;

    private static char? Decimal(ReadOnlySpan<char> digits) =>
        digits.Length > 0 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= char.MaxValue
            ? (char)value
            : null;
}
