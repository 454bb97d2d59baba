namespace MailGate.Core.Messages;

/// <summary>
/// How and when a message reached the gateway, committed with it and never changed afterwards: when it
/// was accepted, and its <see cref="Origin"/> (an SMTP transaction, a support case the poller found, …).
/// </summary>
/// <param name="ReceivedAt">When the message was committed (mail: at end of DATA; a support case: when the poller found it). Dates its id.</param>
/// <param name="Origin">Where it came from; decides how its content is read.</param>
public sealed record Envelope(DateTimeOffset ReceivedAt, MessageOrigin Origin)
{
    /// <summary>The origin as mail, or null when the message is not mail.</summary>
    public MailOrigin? Mail => Origin as MailOrigin;

    /// <summary>The origin as a support case, or null when the message is not one.</summary>
    public SupportCaseOrigin? SupportCase => Origin as SupportCaseOrigin;

    /// <summary>The origin as an AWS Health event, or null when the message is not one.</summary>
    public HealthEventOrigin? HealthEvent => Origin as HealthEventOrigin;

    /// <summary>Whether a <c>resolve</c> is owed rather than a trigger: a resolved support case or a closed Health event, seen so by its poller.</summary>
    public bool Resolve => SupportCase?.Resolve == true || HealthEvent?.Resolve == true || (Origin as CoverageOrigin)?.Resolve == true;

    /// <summary>The envelope of a coverage alert (issue #15) committed at <paramref name="raisedAt"/>.</summary>
    public static Envelope ForCoverage(CoverageOrigin origin, DateTimeOffset raisedAt) => new(raisedAt, origin);

    /// <summary>The envelope of an AWS Health event found (polled or pushed) at <paramref name="foundAt"/>.</summary>
    public static Envelope ForHealthEvent(HealthEventOrigin origin, DateTimeOffset foundAt) => new(foundAt, origin);

    /// <summary>The envelope of mail accepted at <paramref name="receivedAt"/> (see <see cref="MailOrigin"/> for the parameters).</summary>
    public static Envelope ForMail(string mailFrom, IReadOnlyList<string> recipients, DateTimeOffset receivedAt, string? clientAddress = null, string? sessionId = null) =>
        new(receivedAt, new MailOrigin(mailFrom, recipients, clientAddress, sessionId));

    /// <summary>The envelope of a support case found by the poller at <paramref name="foundAt"/>.</summary>
    public static Envelope ForSupportCase(SupportCaseOrigin origin, DateTimeOffset foundAt) => new(foundAt, origin);
}
