namespace MailGate.Parse;

/// <summary>Bounds that keep parsing of hostile mail linear and small.</summary>
public sealed record MessageParserOptions
{
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
}
