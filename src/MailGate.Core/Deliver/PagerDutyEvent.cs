namespace MailGate.Core.Deliver;

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
