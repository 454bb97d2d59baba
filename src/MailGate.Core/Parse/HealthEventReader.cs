using MailGate.Core.Messages;
using System.Text.Json;

namespace MailGate.Core.Parse;

/// <summary>
/// Reads AWS Health events into <see cref="HealthEvent"/>s (one per event and affected account) and those
/// into <see cref="MessageFacts"/> that rules match like mail: subject (the readable event type), body (the
/// description), account, and the event's own fields in <see cref="MessageFacts.Health"/>.
/// </summary>
/// <remarks>
/// Two shapes are read: Health's organizational view (a <c>DescribeEventDetailsForOrganization</c>
/// response <c>{"successfulSet":[…],"failedSet":[…]}</c>, one of its <c>successfulSet</c> entries, or an
/// array of them; MailGate's stored form is such an entry, <see cref="HealthEvent.Json"/>), and an
/// EventBridge event from source <c>aws.health</c> (detail-type <c>AWS Health Event</c> or
/// <c>AWS Health Abuse Event</c>), told apart by its <c>detail</c> object.
/// </remarks>
public static class HealthEventReader
{
    /// <summary>The EventBridge detail-types Health events come with.</summary>
    public static IReadOnlyList<string> DetailTypes { get; } = ["AWS Health Event", "AWS Health Abuse Event"];

    /// <summary>Every event in <paramref name="root"/>, in either shape (see the remarks); <c>failedSet</c> entries are skipped.</summary>
    /// <exception cref="MessageParseException">The JSON holds no Health event, or an entry without an event ARN.</exception>
    public static IReadOnlyList<HealthEvent> Events(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("successfulSet", out var successful))
        {
            root = successful;
        }

        var items = root.ValueKind switch
        {
            JsonValueKind.Array => root.EnumerateArray().ToArray(),
            JsonValueKind.Object => [root],
            _ => [],
        };
        if (items.Length == 0)
        {
            throw new MessageParseException("not an AWS Health event: expected an EventBridge aws.health event, a DescribeEventDetailsForOrganization response or one of its successfulSet entries");
        }

        return [.. items.Select(Read)];
    }

    /// <summary>One event in either shape.</summary>
    /// <exception cref="MessageParseException">It is neither shape, or has no event ARN.</exception>
    public static HealthEvent Read(JsonElement item) =>
        item.ValueKind != JsonValueKind.Object ? throw new MessageParseException("not an AWS Health event: not a JSON object")
        : item.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Object ? FromEventBridge(item)
        : FromDetails(item);

    /// <summary>
    /// One <c>successfulSet</c> entry of <c>DescribeEventDetailsForOrganization</c> (<c>awsAccountId</c>,
    /// <c>event</c>, <c>eventDescription</c>), plus MailGate's <c>accountName</c> when present.
    /// </summary>
    /// <param name="item">The entry.</param>
    /// <param name="accountName">The account's name, when the caller knows it (overrides the entry's <c>accountName</c>).</param>
    /// <exception cref="MessageParseException">The entry has no <c>event.arn</c>.</exception>
    public static HealthEvent FromDetails(JsonElement item, string? accountName = null)
    {
        var description = item.TryGetProperty("eventDescription", out var d) ? Text(d, "latestDescription") : "";
        var @event = item.TryGetProperty("event", out var e) ? e : default;
        return FromOrganizationEvent(@event, Text(item, "awsAccountId"), accountName ?? Text(item, "accountName"), description);
    }

    /// <summary>
    /// An <c>OrganizationEvent</c> (as <c>DescribeEventsForOrganization</c> lists it, or the <c>event</c> of a
    /// details entry) for one affected account, with the description read separately.
    /// </summary>
    /// <exception cref="MessageParseException">The event has no <c>arn</c>.</exception>
    public static HealthEvent FromOrganizationEvent(JsonElement organizationEvent, string accountId, string accountName, string description)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(accountName);
        ArgumentNullException.ThrowIfNull(description);
        var arn = Text(organizationEvent, "arn");
        return arn.Length == 0 ? throw new MessageParseException("not an AWS Health event: no event arn") : new HealthEvent
        {
            EventArn = arn,
            EventTypeCode = Text(organizationEvent, "eventTypeCode"),
            Service = Text(organizationEvent, "service"),
            Category = Text(organizationEvent, "eventTypeCategory"),
            Region = Text(organizationEvent, "region"),
            Status = Text(organizationEvent, "statusCode").ToLowerInvariant(),
            StartTimeText = Time(organizationEvent, "startTime"),
            LastUpdatedTimeText = Time(organizationEvent, "lastUpdatedTime"),
            Description = description,
            AccountId = accountId,
            AccountName = accountName,
        };
    }

    /// <summary>
    /// An EventBridge event (<c>{"id","detail-type","source":"aws.health","account","time","region","detail":{…}}</c>):
    /// the account is <c>detail.affectedAccount</c> (organization events), else the envelope's <c>account</c>;
    /// the region <c>detail.eventRegion</c>, else the envelope's; the description the English
    /// <c>eventDescription</c>, else the first.
    /// </summary>
    /// <exception cref="MessageParseException">Not from <c>aws.health</c>, or the detail has no <c>eventArn</c>.</exception>
    public static HealthEvent FromEventBridge(JsonElement envelope)
    {
        var source = Text(envelope, "source");
        if (source.Length > 0 && source != "aws.health")
        {
            throw new MessageParseException($"not an AWS Health event: EventBridge source '{source}', not aws.health");
        }

        var detail = envelope.TryGetProperty("detail", out var dt) ? dt : default;
        var arn = Text(detail, "eventArn");
        if (arn.Length == 0)
        {
            throw new MessageParseException("not an AWS Health event: the EventBridge detail has no eventArn");
        }

        var account = Text(detail, "affectedAccount");
        var region = Text(detail, "eventRegion");
        return new HealthEvent
        {
            EventArn = arn,
            EventTypeCode = Text(detail, "eventTypeCode"),
            Service = Text(detail, "service"),
            Category = Text(detail, "eventTypeCategory"),
            Region = region.Length > 0 ? region : Text(envelope, "region"),
            Status = Text(detail, "statusCode").ToLowerInvariant(),
            StartTimeText = Time(detail, "startTime"),
            LastUpdatedTimeText = Time(detail, "lastUpdatedTime"),
            Description = Description(detail),
            AccountId = account.Length > 0 ? account : Text(envelope, "account"),
        };
    }

    /// <summary>Reads the one Health event in <paramref name="json"/> (stored content) as facts.</summary>
    /// <exception cref="MessageParseException">The JSON is not exactly one Health event.</exception>
    public static MessageFacts Read(string spoolId, Envelope envelope, Stream json) =>
        JsonSourceReader.One(ReadAll(spoolId, envelope, json), "AWS Health event");

    /// <summary>Reads every Health event in <paramref name="json"/>; with several, their spool ids are <paramref name="spoolId"/> followed by their position.</summary>
    /// <exception cref="MessageParseException">The JSON holds no Health event.</exception>
    public static IReadOnlyList<MessageFacts> ReadAll(string spoolId, Envelope envelope, Stream json) =>
        JsonSourceReader.ReadAll(spoolId, envelope, json, Events, ToFacts);

    /// <summary>The facts of one event: subject <see cref="HealthEvent.Subject"/>, body the description (cut as mail's), date the start time, the account, and <see cref="MessageFacts.Health"/>.</summary>
    public static MessageFacts ToFacts(HealthEvent healthEvent, string spoolId, Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(healthEvent);
        ArgumentNullException.ThrowIfNull(envelope);
        return new MessageFacts
        {
            SpoolId = spoolId,
            Subject = healthEvent.Subject,
            Body = SupportCaseReader.Cut(healthEvent.Description),
            Date = healthEvent.StartTime ?? healthEvent.LastUpdatedTime,
            ReceivedAt = envelope.ReceivedAt,
            ContentHash = healthEvent.Identity,
            AccountId = healthEvent.AccountId,
            AccountName = healthEvent.AccountName,
            Health = healthEvent,
        };
    }

    private static string Description(JsonElement detail)
    {
        if (!detail.TryGetProperty("eventDescription", out var descriptions) || descriptions.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var all = descriptions.EnumerateArray().Where(d => d.ValueKind == JsonValueKind.Object).ToArray();
        var english = all.FirstOrDefault(d => Text(d, "language").StartsWith("en", StringComparison.OrdinalIgnoreCase));
        return english.ValueKind == JsonValueKind.Object ? Text(english, "latestDescription")
            : all.Length > 0 ? Text(all[0], "latestDescription")
            : "";
    }

    private static string Time(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? HealthTimes.Normalise(value) : "";

    private static string Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? ""
            : "";
}
