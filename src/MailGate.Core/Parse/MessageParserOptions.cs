namespace MailGate.Core.Parse;

/// <summary>Bounds that keep parsing of hostile mail linear and small, and how undeclared charsets are read.</summary>
public sealed record MessageParserOptions
{
    /// <summary>The fallback charsets when none is configured: Japanese encodings first, then Western European.</summary>
    public static IReadOnlyList<string> DefaultFallbackCharsets { get; } = ["shift_jis", "euc-jp", "windows-1252"];

    /// <summary>
    /// The largest header section accepted, in bytes. MimeKit parses long folded headers in quadratic
    /// time, so the section is measured before MimeKit sees it.
    /// </summary>
    /// <value>256 KiB (Postfix's <c>header_size_limit</c> is 100 KiB).</value>
    /// <remarks>
    /// The gateway sets it from <c>Smtp:MaxHeaderSize</c>, the limit SMTP enforces before its 250, so that
    /// every message accepted can be parsed (at most 1 MiB: a 1 MiB folded header already takes MimeKit
    /// about 2.5 s).
    /// </remarks>
    public int MaxHeaderBytes { get; init; } = 256 * 1024;

    /// <summary>How deeply MIME parts may nest.</summary>
    /// <value>50.</value>
    public int MaxMimeDepth { get; init; } = 50;

    /// <summary>How many characters of body text rules see; the rest is cut.</summary>
    /// <value>1,000,000.</value>
    public int MaxBodyChars { get; init; } = 1_000_000;

    /// <summary>
    /// Charsets tried, in order, for 8-bit text whose charset is not declared (raw bytes in a header, a
    /// body part without a fitting <c>charset</c>), after UTF-8 and the charsets the message declares on
    /// its parts; the first that decodes without error (and reads plausibly) wins. Names as .NET knows
    /// them (IANA names and aliases; the Windows code pages are registered).
    /// </summary>
    /// <value>
    /// <see cref="DefaultFallbackCharsets"/>: <c>shift_jis</c> (code page 932, Windows' superset), <c>euc-jp</c>,
    /// <c>windows-1252</c>. ISO-2022-JP is 7-bit and always declared in RFC 2047 words, so it needs no
    /// place here. Configuration: <c>Parse:FallbackCharsets</c>.
    /// </value>
    public IReadOnlyList<string> FallbackCharsets { get; init; } = DefaultFallbackCharsets;
}
