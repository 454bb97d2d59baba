using System.Text;
using MimeKit;

namespace MailGate.Core.Parse;

/// <summary>
/// Decides how to read 8-bit text whose charset nobody declared: raw bytes in a header (RFC 5322 allows
/// only ASCII there, RFC 6532 adds UTF-8, yet legacy mailers write their local charset), or a body part
/// without a <c>charset</c> parameter (or with one its bytes do not fit).
/// </summary>
/// <remarks>
/// <para>
/// Candidates, in order: UTF-8; the charsets the message itself declares on its body parts (a Japanese
/// mailer that writes a raw Shift_JIS subject declares <c>charset=Shift_JIS</c> on the body); then the
/// configured fallback list (<see cref="MessageParserOptions.FallbackCharsets"/>). Each is tried strictly
/// (an invalid byte sequence rejects it). Among those that decode, the first wins unless a later one
/// reads more plausibly: fewer characters that real text does not contain (C0 and C1 controls,
/// private-use characters), then fewer half-width katakana (what EUC-JP bytes read as Shift_JIS look
/// like; rare in real mail, so they only break a tie).
/// </para>
/// <para>
/// When no candidate decodes, the one with the fewest invalid bytes is used, each invalid run shown as
/// one U+FFFD (<see cref="Clean"/>); if that is UTF-8, MimeKit reads the header as ISO-8859-1 (it never
/// falls back to UTF-8). C1 controls are never passed on: they become U+FFFD too.
/// </para>
/// </remarks>
public sealed class Charsets
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Encoding[] _fallbacks;

    /// <summary>Resolves the fallback charset names (IANA names or aliases .NET knows, code pages registered).</summary>
    /// <exception cref="ArgumentException">A name is not a charset .NET can decode.</exception>
    public Charsets(IEnumerable<string> fallbackCharsets)
    {
        ArgumentNullException.ThrowIfNull(fallbackCharsets);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        _fallbacks = [.. fallbackCharsets.Select(name => Strict(Encoding.GetEncoding(name.Trim()).CodePage))];
    }

    /// <summary>Whether .NET (with the code-page provider) can decode <paramref name="charset"/>.</summary>
    public static bool IsKnown(string charset)
    {
        ArgumentNullException.ThrowIfNull(charset);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        try
        {
            _ = Encoding.GetEncoding(charset.Trim());
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return false; // NotSupportedException: UTF-7, which .NET knows but refuses to decode
        }
    }

    /// <summary>The charsets declared on <paramref name="mime"/>'s body parts, in document order, each once.</summary>
    public static IReadOnlyList<Encoding> Declared(MimeMessage mime)
    {
        ArgumentNullException.ThrowIfNull(mime);
        var declared = new List<Encoding>();
        foreach (var entity in mime.BodyParts)
        {
            if (entity.ContentType.CharsetEncoding is { } encoding && !declared.Any(e => e.CodePage == encoding.CodePage))
            {
                declared.Add(Strict(encoding.CodePage));
            }
        }

        return declared;
    }

    /// <summary>
    /// The encodings to try, strict, in order: <paramref name="first"/> (a part's own declared charset),
    /// UTF-8, <paramref name="declared"/>, the fallbacks; each code page once.
    /// </summary>
    public IReadOnlyList<Encoding> Candidates(Encoding? first, IReadOnlyList<Encoding> declared)
    {
        var candidates = new List<Encoding>();
        foreach (var encoding in (IEnumerable<Encoding?>)[first, StrictUtf8, .. declared, .. _fallbacks])
        {
            if (encoding is not null && !candidates.Any(c => c.CodePage == encoding.CodePage))
            {
                candidates.Add(encoding.CodePage == StrictUtf8.CodePage ? StrictUtf8 : Strict(encoding.CodePage));
            }
        }

        return candidates;
    }

    /// <summary>
    /// The encoding for the raw 8-bit text of <paramref name="headers"/>, as <c>ParserOptions.CharsetEncoding</c>
    /// (it decodes with U+FFFD for what does not fit); null when every header is ASCII or valid UTF-8, which
    /// MimeKit reads right by itself, or when no candidate fits and UTF-8 misfits least.
    /// </summary>
    public Encoding? ForHeaders(HeaderList headers, IReadOnlyList<Encoding> declared)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var undeclared = new List<byte[]>();
        foreach (var header in headers)
        {
            var raw = header.RawValue;
            if (raw.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0 && !IsUtf8(raw))
            {
                undeclared.Add(raw);
            }
        }

        if (undeclared.Count == 0)
        {
            return null;
        }

        Encoding? best = null;
        (int Invalid, int Implausible, int Unlikely) bestScore = (int.MaxValue, int.MaxValue, int.MaxValue);
        foreach (var candidate in Candidates(null, declared))
        {
            var score = Score(candidate.CodePage, undeclared);
            if (score.CompareTo(bestScore) < 0)
            {
                (best, bestScore) = (candidate, score);
                if (score == (0, 0, 0))
                {
                    break;
                }
            }
        }

        if (bestScore.Invalid > 0 && best!.CodePage == StrictUtf8.CodePage)
        {
            // Nothing fits and UTF-8 misfits least: MimeKit never takes UTF-8 as the fallback charset (it
            // reads such bytes as ISO-8859-1 instead); Clean then shows the C1 controls that gives as U+FFFD.
            return null;
        }

        return Lenient(best!.CodePage);
    }

    /// <summary>
    /// <paramref name="text"/> with every C1 control (U+0080–U+009F: what bytes of an unknown charset read as
    /// Latin-1 become) as U+FFFD, and every run of U+FFFD as one; the same instance when there is none.
    /// </summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAnyInRange('\u0080', '\u009F') < 0 && !text.Contains("\uFFFD\uFFFD", StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var d = c is >= '\u0080' and <= '\u009F' ? '\uFFFD' : c;
            if (d != '\uFFFD' || result.Length == 0 || result[^1] != '\uFFFD')
            {
                result.Append(d);
            }
        }

        return result.ToString();
    }

    /// <summary>A decoder of <paramref name="codePage"/> that throws on bytes that do not fit.</summary>
    public static Encoding Strict(int codePage) =>
        codePage == StrictUtf8.CodePage ? StrictUtf8 : Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    /// <summary>A decoder of <paramref name="codePage"/> that shows what does not fit as U+FFFD.</summary>
    public static Encoding Lenient(int codePage) =>
        Encoding.GetEncoding(codePage, EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("\uFFFD"));

    private static bool IsUtf8(byte[] raw)
    {
        try
        {
            _ = StrictUtf8.GetCharCount(raw);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>How badly <paramref name="codePage"/> reads <paramref name="values"/>: invalid bytes, then characters real text lacks, then unlikely ones.</summary>
    private static (int Invalid, int Implausible, int Unlikely) Score(int codePage, List<byte[]> values)
    {
        var encoding = Lenient(codePage);
        var invalid = 0;
        var implausible = 0;
        var unlikely = 0;
        foreach (var value in values)
        {
            foreach (var c in encoding.GetString(value))
            {
                if (c == '\uFFFD')
                {
                    invalid++;
                }
                else if (IsImplausible(c))
                {
                    implausible++;
                }
                else if (c is >= '\uFF61' and <= '\uFF9F')
                {
                    unlikely++;
                }
            }
        }

        return (invalid, implausible, unlikely);
    }

    private static bool IsImplausible(char c) =>
        c is < '\u0020' and not ('\t' or '\r' or '\n')
        or >= '\u007F' and <= '\u009F'
        or >= '\uE000' and <= '\uF8FF';
}
