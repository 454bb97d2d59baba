namespace MailGate.Deliver;

/// <summary>
/// A PagerDuty Events API v2 event (<c>POST /v2/enqueue</c>). Property names map to the API's
/// snake_case fields through the JSON contexts.
/// </summary>
public sealed record PagerDutyEvent
{
    /// <summary>The integration's routing key. Never stored in the spool, never logged: set only when sending.</summary>
    public string? RoutingKey { get; init; }

    /// <summary><c>trigger</c>, <c>acknowledge</c> or <c>resolve</c>.</summary>
    public string EventAction { get; init; } = "trigger";

    /// <summary>Makes repeated sends of the same event collapse into one alert (≤ 255 chars).</summary>
    public required string DedupKey { get; init; }

    /// <summary>What the alert shows.</summary>
    public required PagerDutyPayload Payload { get; init; }

    /// <summary>The integration's name as PagerDuty shows it.</summary>
    public string Client { get; init; } = "MailGate";
}

/// <summary>The <c>payload</c> of a trigger event.</summary>
public sealed record PagerDutyPayload
{
    /// <summary>The alert's title (≤ 1024 chars).</summary>
    public required string Summary { get; init; }

    /// <summary>Where the problem is: the original sender of the email.</summary>
    public required string Source { get; init; }

    /// <summary><c>critical</c>, <c>error</c>, <c>warning</c> or <c>info</c>.</summary>
    public required string Severity { get; init; }

    /// <summary>ISO 8601: the email's Date, else when it was received.</summary>
    public string? Timestamp { get; init; }

    /// <summary>Always <c>email</c> for the SMTP path.</summary>
    public string? Component { get; init; }

    /// <summary>The Google Group (List-Id) the email came through.</summary>
    public string? Group { get; init; }

    /// <summary>The rule that matched.</summary>
    public string? Class { get; init; }

    /// <summary>The facts behind the decision.</summary>
    public PagerDutyDetails? CustomDetails { get; init; }
}

/// <summary>The <c>custom_details</c> MailGate sends: the facts a responder needs first.</summary>
public sealed record PagerDutyDetails
{
    /// <summary>The original author (behind Google Groups' rewriting).</summary>
    public string Sender { get; init; } = "";

    /// <summary>The From header's address as written.</summary>
    public string From { get; init; } = "";

    /// <summary>MAIL FROM.</summary>
    public string EnvelopeFrom { get; init; } = "";

    /// <summary>RCPT TO (at most the first 50).</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>The decoded subject.</summary>
    public string Subject { get; init; } = "";

    /// <summary>The Message-ID.</summary>
    public string MessageId { get; init; } = "";

    /// <summary>The List-Id.</summary>
    public string ListId { get; init; } = "";

    /// <summary>The AWS account as people say it (<c>prod-payments (123456789012)</c>), when known; every account, joined by <c>", "</c>, when there are several.</summary>
    public string Account { get; init; } = "";

    /// <summary>The 12-digit AWS account id, when known; the first of <see cref="AccountIds"/> when the message names several.</summary>
    public string AccountId { get; init; } = "";

    /// <summary>Every AWS account id the message concerns (several for a notice about several accounts), in the order written.</summary>
    public IReadOnlyList<string> AccountIds { get; init; } = [];

    /// <summary>The account's owner from the rules file's accounts map.</summary>
    public string AccountOwner { get; init; } = "";

    /// <summary>What was verified about the message's origin (ARC, DKIM, Google's verdict on the author).</summary>
    public string Authentication { get; init; } = "";

    /// <summary>False when a rule that requires trust matched an unverified message (the page is marked).</summary>
    public bool Trusted { get; init; } = true;

    /// <summary>The spool id, to find the raw message on the gateway.</summary>
    public string SpoolId { get; init; } = "";

    /// <summary>The rule that matched.</summary>
    public string Rule { get; init; } = "";

    /// <summary>The rules file version (hash) that decided.</summary>
    public string RulesVersion { get; init; } = "";

    /// <summary>Values the rule extracted (account id, report id, …).</summary>
    public IReadOnlyDictionary<string, string> Extracted { get; init; } = new Dictionary<string, string>();

    /// <summary>When the gateway accepted the email (ISO 8601).</summary>
    public string ReceivedAt { get; init; } = "";

    /// <summary>By when the notice must be answered (<c>reply_by</c>): UTC <c>2026-11-17T10:00:00Z</c>, or a date; only for rules with <c>reply_within</c>.</summary>
    public string? ReplyBy { get; init; }

    /// <summary>Where <see cref="ReplyBy"/> comes from (<c>reply_by_basis</c>): the deadline the notice states, or receipt + the rule's <c>reply_within</c>.</summary>
    public string? ReplyByBasis { get; init; }

    /// <summary>The first part of the text body, without Google Groups' footer; line breaks and tabs kept, other control characters escaped.</summary>
    public string Body { get; init; } = "";

    /// <summary>Whether <see cref="Body"/> was cut.</summary>
    public bool BodyTruncated { get; init; }

    /// <summary>The AWS Support case, when the event is about one (absent for mail).</summary>
    public PagerDutyCaseDetails? SupportCase { get; init; }
}

/// <summary>An AWS Support case's fields in an event's custom details.</summary>
public sealed record PagerDutyCaseDetails
{
    /// <summary>AWS's case id.</summary>
    public string CaseId { get; init; } = "";

    /// <summary>The case number shown in the console.</summary>
    public string DisplayId { get; init; } = "";

    /// <summary><c>categoryCode</c>.</summary>
    public string Category { get; init; } = "";

    /// <summary><c>serviceCode</c>.</summary>
    public string Service { get; init; } = "";

    /// <summary><c>severityCode</c>.</summary>
    public string Severity { get; init; } = "";

    /// <summary>The case's status when it was read.</summary>
    public string Status { get; init; } = "";

    /// <summary><c>submittedBy</c>.</summary>
    public string SubmittedBy { get; init; } = "";

    /// <summary>The language the case is filed under.</summary>
    public string Language { get; init; } = "";

    /// <summary><c>timeCreated</c> as AWS wrote it.</summary>
    public string TimeCreated { get; init; } = "";

    /// <summary>The account's root email address.</summary>
    public string AccountEmail { get; init; } = "";

    /// <summary>The case in the AWS Support console.</summary>
    public string ConsoleUrl { get; init; } = "";
}
