using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MailGate.Core.Parse;

/// <summary>
/// One AWS Health event as it concerns one affected account: the unit MailGate spools, decides and pages
/// (one incident per event and account). Read from Health's organizational view
/// (<c>DescribeEventDetailsForOrganization</c>'s <c>successfulSet</c> entry, the <c>OrganizationEventDetails</c>
/// shape) or from an EventBridge <c>aws.health</c> event (<see cref="HealthEventReader"/>).
/// </summary>
/// <remarks>
/// <para>Absent fields read as empty strings. Only <see cref="EventArn"/> is required. Times are kept as
/// ISO 8601 UTC text (<c>2026-11-30T08:15:00Z</c>) whatever AWS sent: epoch seconds (the Health API's JSON 1.1),
/// ISO 8601, or RFC 1123 (<c>Mon, 30 Nov 2026 08:15:00 GMT</c>, EventBridge's detail).</para>
/// <para><see cref="Json"/> is the record as MailGate stores it (the spool's <c>health.json</c>): the
/// <c>OrganizationEventDetails</c> shape, <c>{"awsAccountId":…,"accountName":…,"event":{"arn":…,"service":…,
/// "eventTypeCode":…,"eventTypeCategory":…,"region":…,"startTime":…,"lastUpdatedTime":…,"statusCode":…},
/// "eventDescription":{"latestDescription":…}}</c>, with the times as ISO text and <c>accountName</c> (not an
/// AWS field) added; reading it back gives the same record.</para>
/// </remarks>
public sealed record HealthEvent
{
    /// <summary><c>arn</c> (<c>eventArn</c> in EventBridge), e.g. <c>arn:aws:health:global::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/AWS_RISK_CREDENTIALS_EXPOSED_abc123</c>: never empty.</summary>
    public required string EventArn { get; init; }

    /// <summary><c>eventTypeCode</c>, e.g. <c>AWS_RISK_CREDENTIALS_EXPOSED</c>, <c>AWS_ABUSE_DOS_REPORT</c>, <c>AWS_EC2_OPERATIONAL_ISSUE</c>.</summary>
    public string EventTypeCode { get; init; } = "";

    /// <summary><c>service</c>, e.g. <c>RISK</c>, <c>ABUSE</c>, <c>EC2</c>.</summary>
    public string Service { get; init; } = "";

    /// <summary><c>eventTypeCategory</c>: <c>issue</c>, <c>accountNotification</c>, <c>scheduledChange</c>, <c>investigation</c>.</summary>
    public string Category { get; init; } = "";

    /// <summary><c>region</c> (<c>eventRegion</c>, else the envelope's <c>region</c>, in EventBridge), e.g. <c>us-east-1</c> or <c>global</c>.</summary>
    public string Region { get; init; } = "";

    /// <summary><c>statusCode</c>, lower case: <c>open</c>, <c>upcoming</c> or <c>closed</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary><c>startTime</c> as ISO 8601 UTC text; empty when absent or unreadable.</summary>
    public string StartTimeText { get; init; } = "";

    /// <summary><c>lastUpdatedTime</c> as ISO 8601 UTC text; empty when absent or unreadable.</summary>
    public string LastUpdatedTimeText { get; init; } = "";

    /// <summary><c>eventDescription.latestDescription</c> (EventBridge: the English one, else the first).</summary>
    public string Description { get; init; } = "";

    /// <summary>The affected account: <c>awsAccountId</c> (EventBridge: <c>affectedAccount</c>, else the envelope's <c>account</c>).</summary>
    public string AccountId { get; init; } = "";

    /// <summary>The account's name in AWS Organizations when the reader knew it; empty otherwise.</summary>
    public string AccountName { get; init; } = "";

    /// <summary><see cref="StartTimeText"/> as a time; null when empty.</summary>
    public DateTimeOffset? StartTime => HealthTimes.Parse(StartTimeText);

    /// <summary><see cref="LastUpdatedTimeText"/> as a time; null when empty.</summary>
    public DateTimeOffset? LastUpdatedTime => HealthTimes.Parse(LastUpdatedTimeText);

    /// <summary>Whether AWS reports the event closed.</summary>
    public bool IsClosed => string.Equals(Status, "closed", StringComparison.Ordinal);

    /// <summary>A readable form of <see cref="EventTypeCode"/>: see <see cref="Readable"/>.</summary>
    public string Subject => Readable(EventTypeCode, Service);

    /// <summary>What identifies the (event, account) pair: <c>health:{event arn}|{account id}</c>; the dedup and ledger identity.</summary>
    public string Identity => $"health:{EventArn}|{AccountId}";

    /// <summary>The record as stored (see the remarks), UTF-8 JSON text.</summary>
    public string Json
    {
        get
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("awsAccountId", AccountId);
                json.WriteString("accountName", AccountName);
                json.WriteStartObject("event");
                json.WriteString("arn", EventArn);
                json.WriteString("service", Service);
                json.WriteString("eventTypeCode", EventTypeCode);
                json.WriteString("eventTypeCategory", Category);
                json.WriteString("region", Region);
                json.WriteString("startTime", StartTimeText);
                json.WriteString("lastUpdatedTime", LastUpdatedTimeText);
                json.WriteString("statusCode", Status);
                json.WriteEndObject();
                json.WriteStartObject("eventDescription");
                json.WriteString("latestDescription", Description);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
    }

    /// <summary>
    /// A readable form of an event type code: <c>AWS_</c> dropped, the service (when the code names it next)
    /// written as a word followed by a colon, the rest in lower case with spaces:
    /// <c>AWS_RISK_CREDENTIALS_EXPOSED</c> → <c>AWS Risk: credentials exposed</c>,
    /// <c>AWS_EC2_OPERATIONAL_ISSUE</c> → <c>AWS EC2: operational issue</c>. A service of three letters or
    /// fewer, or with a digit, stays in capitals (<c>EC2</c>, <c>IAM</c>); longer ones are capitalised
    /// (<c>ABUSE</c> → <c>Abuse</c>). A code not of that form is returned with spaces for underscores; empty stays empty.
    /// </summary>
    public static string Readable(string eventTypeCode, string service)
    {
        ArgumentNullException.ThrowIfNull(eventTypeCode);
        ArgumentNullException.ThrowIfNull(service);
        var code = eventTypeCode.Trim();
        if (!code.StartsWith("AWS_", StringComparison.Ordinal))
        {
            return code.Replace('_', ' ');
        }

        var rest = code[4..];
        var name = service.Length > 0 && rest.StartsWith(service + "_", StringComparison.OrdinalIgnoreCase) ? rest[..service.Length] : rest.Split('_')[0];
        var tail = rest.Length > name.Length + 1 ? rest[(name.Length + 1)..] : "";
        var word = name.Length <= 3 || name.Any(char.IsDigit)
            ? name.ToUpperInvariant()
            : char.ToUpperInvariant(name[0]) + name[1..].ToLowerInvariant();
        return tail.Length > 0 ? $"AWS {word}: {tail.Replace('_', ' ').ToLowerInvariant()}" : $"AWS {word}";
    }
}

/// <summary>The time formats AWS Health uses, normalised to ISO 8601 UTC text.</summary>
internal static class HealthTimes
{
    /// <summary>
    /// <paramref name="value"/> as <c>yyyy-MM-ddTHH:mm:ss[.fff]Z</c>: a number is epoch seconds (fractions kept
    /// to milliseconds), a string ISO 8601 or RFC 1123; empty when absent or unreadable.
    /// </summary>
    public static string Normalise(JsonElement value)
    {
        DateTimeOffset? time = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDouble(out var seconds) && seconds is > 0 and < 253402300799 =>
                DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)),
            JsonValueKind.String => Parse(value.GetString() ?? ""),
            _ => null,
        };
        return time is { } t ? Text(t) : "";
    }

    /// <summary>A time as stored: UTC, seconds, milliseconds only when not zero.</summary>
    public static string Text(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return utc.ToString(utc.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>ISO 8601 or RFC 1123 text as a time (UTC when it names no offset); null when neither.</summary>
    public static DateTimeOffset? Parse(string text) =>
        text.Length == 0 ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUniversalTime()
        : null;
}
