namespace MailGate.Spool;

/// <summary>
/// How a message reached the gateway, kept beside it in the spool: the SMTP envelope for mail, or
/// <see cref="Case"/> for an AWS Support case the poller found.
/// </summary>
/// <param name="MailFrom">MAIL FROM as <c>local@domain</c>; empty for the null sender (and for cases).</param>
/// <param name="Recipients">The RCPT TO addresses the gateway accepted (none for cases).</param>
/// <param name="ReceivedAt">When the message was committed to the spool.</param>
/// <param name="ClientAddress">The SMTP client's IP address, when known.</param>
/// <param name="SessionId">The SMTP session's id, for correlating logs.</param>
public sealed record Envelope(
    string MailFrom,
    IReadOnlyList<string> Recipients,
    DateTimeOffset ReceivedAt,
    string? ClientAddress,
    string? SessionId)
{
    /// <summary>Where the support case came from; null for mail. Its spool folder holds <c>case.json</c> instead of <c>message.eml</c>.</summary>
    public CaseOrigin? Case { get; init; }

    /// <summary>The envelope of a support case found by the poller at <paramref name="foundAt"/>.</summary>
    public static Envelope ForCase(CaseOrigin origin, DateTimeOffset foundAt) =>
        new("", [], foundAt, null, null) { Case = origin };
}

/// <summary>Which account and poll a spooled AWS Support case came from.</summary>
/// <param name="AccountId">The 12-digit account whose Support API returned the case.</param>
/// <param name="AccountName">The account's name in AWS Organizations.</param>
/// <param name="AccountEmail">The account's root email address in AWS Organizations.</param>
/// <param name="Language">The language the case was listed under (<c>en</c>, <c>ja</c>).</param>
/// <param name="Resolve">True when the poller saw the case resolved and a <c>resolve</c> event is owed.</param>
public sealed record CaseOrigin(string AccountId, string AccountName, string AccountEmail, string Language, bool Resolve = false);
