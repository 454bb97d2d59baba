namespace MailGate.Spool;

/// <summary>What the SMTP session said about a message, kept beside it in the spool.</summary>
/// <param name="MailFrom">MAIL FROM as <c>local@domain</c>; empty for the null sender.</param>
/// <param name="Recipients">The RCPT TO addresses the gateway accepted.</param>
/// <param name="ReceivedAt">When the message was committed to the spool.</param>
/// <param name="ClientAddress">The SMTP client's IP address, when known.</param>
/// <param name="SessionId">The SMTP session's id, for correlating logs.</param>
public sealed record Envelope(
    string MailFrom,
    IReadOnlyList<string> Recipients,
    DateTimeOffset ReceivedAt,
    string? ClientAddress,
    string? SessionId);
