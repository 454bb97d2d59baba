namespace MailGate.Core.Messages;

/// <summary>
/// Where a message came from: one case per intake (<see cref="MailOrigin"/>, <see cref="SupportCaseOrigin"/>;
/// AWS Health events next). Committed with the message in its <see cref="Envelope"/>; the content is read
/// according to it (raw RFC 5322 mail, or the JSON document the API returned).
/// </summary>
public abstract record MessageOrigin
{
    /// <summary>The source's name, as rules see it in the <c>source</c> field and the spool writes it: <c>mail</c>, <c>support-case</c>.</summary>
    public abstract string Source { get; }
}

/// <summary>Mail accepted over SMTP: the SMTP envelope (RFC 5321) and the session it came in.</summary>
/// <param name="MailFrom">MAIL FROM as <c>local@domain</c>; empty for the null sender (<c>&lt;&gt;</c>).</param>
/// <param name="Recipients">The RCPT TO addresses the gateway accepted, in order.</param>
/// <param name="ClientAddress">The SMTP client's IP address, when known.</param>
/// <param name="SessionId">The SMTP session's id, for correlating logs.</param>
public sealed record MailOrigin(string MailFrom, IReadOnlyList<string> Recipients, string? ClientAddress = null, string? SessionId = null) : MessageOrigin
{
    /// <summary>The source's name: <c>mail</c>.</summary>
    public const string SourceName = "mail";

    /// <inheritdoc/>
    public override string Source => SourceName;
}

/// <summary>An AWS Support case the poller found (content: the case's JSON as <c>DescribeCases</c> returned it).</summary>
/// <param name="AccountId">The 12-digit account whose Support API returned the case.</param>
/// <param name="AccountName">The account's name in AWS Organizations.</param>
/// <param name="AccountEmail">The account's root email address in AWS Organizations.</param>
/// <param name="Language">The language the case was listed under (<c>en</c>, <c>ja</c>).</param>
/// <param name="Resolve">True when the poller saw the case resolved and a <c>resolve</c> event is owed.</param>
public sealed record SupportCaseOrigin(string AccountId, string AccountName, string AccountEmail, string Language, bool Resolve = false) : MessageOrigin
{
    /// <summary>The source's name: <c>support-case</c>.</summary>
    public const string SourceName = "support-case";

    /// <inheritdoc/>
    public override string Source => SourceName;
}

/// <summary>
/// An AWS Health event for one affected account (content: <c>HealthEvent.Json</c>, the
/// <c>OrganizationEventDetails</c> shape MailGate stores).
/// </summary>
/// <param name="Channel">How it arrived: <see cref="Polled"/> (Health's organizational view) or a push channel's name (e.g. <c>eventbridge</c>, <c>sns</c>).</param>
/// <param name="Resolve">True when the event was seen closed and a <c>resolve</c> event is owed (<c>Health:ResolveEvents</c>).</param>
public sealed record HealthEventOrigin(string Channel, bool Resolve = false) : MessageOrigin
{
    /// <summary>The source's name: <c>health-event</c>.</summary>
    public const string SourceName = "health-event";

    /// <summary>The channel of an event the Health poller found.</summary>
    public const string Polled = "poll";

    /// <inheritdoc/>
    public override string Source => SourceName;
}

/// <summary>
/// A coverage alert MailGate raised itself (issue #15): a probe that did not arrive or could not be sent, or
/// silence; or its <c>resolve</c>. Content: the alert as JSON (<c>MailGate.Core.Coverage.CoverageAlert</c>).
/// Decided by the rules file's <c>coverage:</c> section, never by its rules.
/// </summary>
/// <param name="Subject">What the alert is about, for logs: an account id, or <c>silence</c>.</param>
/// <param name="Resolve">True when the alert is a <c>resolve</c> of the open one.</param>
public sealed record CoverageOrigin(string Subject, bool Resolve = false) : MessageOrigin
{
    /// <summary>The source's name: <c>coverage</c>.</summary>
    public const string SourceName = "coverage";

    /// <inheritdoc/>
    public override string Source => SourceName;
}
