using System.Globalization;
using System.Text.Json;

namespace MailGate.Core.Parse;

/// <summary>
/// One AWS Support case as <c>DescribeCases</c> returns it (AWS Support API reference, "CaseDetails"),
/// read once into typed fields, with <see cref="Json"/>, the case's own JSON text exactly as AWS sent
/// it: that text, not a re-serialisation, is what the spool commits (<c>case.json</c>) and what the
/// poller remembers for a later resolve.
/// </summary>
/// <remarks>
/// Absent fields, and fields that are not JSON strings, read as empty strings: AWS leaves out what a
/// case does not have, and a case is still worth routing without them. Only <see cref="CaseId"/> is
/// required (<see cref="TryRead"/>).
/// </remarks>
public sealed record SupportCase
{
    /// <summary><c>caseId</c>, e.g. <c>case-123456789012-muen-2026-7c0ff3e8a1b2c3d4</c>: stable, unique, never empty.</summary>
    public required string CaseId { get; init; }

    /// <summary><c>displayId</c>, the number the console shows, e.g. <c>178123456789</c>.</summary>
    public string DisplayId { get; init; } = "";

    /// <summary><c>subject</c>, as AWS wrote it (not trimmed).</summary>
    public string Subject { get; init; } = "";

    /// <summary><c>status</c>: <c>opened</c>, <c>pending-customer-action</c>, <c>reopened</c>, <c>resolved</c>, <c>unassigned</c>, <c>work-in-progress</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary><c>serviceCode</c>, e.g. <c>amazon-elastic-compute-cloud-linux</c>.</summary>
    public string ServiceCode { get; init; } = "";

    /// <summary><c>categoryCode</c>, e.g. <c>security</c>.</summary>
    public string CategoryCode { get; init; } = "";

    /// <summary><c>severityCode</c>: <c>low</c>, <c>normal</c>, <c>high</c>, <c>urgent</c> or <c>critical</c>.</summary>
    public string SeverityCode { get; init; } = "";

    /// <summary><c>submittedBy</c>: who opened the case, an email address.</summary>
    public string SubmittedBy { get; init; } = "";

    /// <summary><c>language</c>: the language the Support API files the case under (<c>en</c>, <c>ja</c>, …).</summary>
    public string Language { get; init; } = "";

    /// <summary><c>timeCreated</c> exactly as AWS wrote it (ISO 8601, e.g. <c>2026-11-28T13:58:07.412Z</c>).</summary>
    public string TimeCreatedText { get; init; } = "";

    /// <summary><see cref="TimeCreatedText"/> as a time (UTC when it names no offset); null when absent or unreadable.</summary>
    public DateTimeOffset? TimeCreated =>
        DateTimeOffset.TryParse(TimeCreatedText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : null;

    /// <summary>
    /// The body of the communication that opened the case. <c>recentCommunications</c> lists the latest
    /// first, so that is the last one listed (for a new case, the only one); empty when the case came
    /// without communications.
    /// </summary>
    public string OpeningText { get; init; } = "";

    /// <summary>The case's JSON object exactly as AWS returned it (the bytes committed to the spool, decoded as UTF-8).</summary>
    public required string Json { get; init; }

    /// <summary>Whether AWS reports the case resolved (<see cref="Status"/> is <c>resolved</c>).</summary>
    public bool IsResolved => string.Equals(Status, "resolved", StringComparison.Ordinal);

    /// <summary>Reads one case object; null when <paramref name="element"/> is not an object or has no string <c>caseId</c>.</summary>
    public static SupportCase? TryRead(JsonElement element)
    {
        var caseId = Text(element, "caseId");
        if (caseId.Length == 0)
        {
            return null;
        }

        return new SupportCase
        {
            CaseId = caseId,
            DisplayId = Text(element, "displayId"),
            Subject = Text(element, "subject"),
            Status = Text(element, "status"),
            ServiceCode = Text(element, "serviceCode"),
            CategoryCode = Text(element, "categoryCode"),
            SeverityCode = Text(element, "severityCode"),
            SubmittedBy = Text(element, "submittedBy"),
            Language = Text(element, "language"),
            TimeCreatedText = Text(element, "timeCreated"),
            OpeningText = OpeningCommunication(element),
            Json = element.GetRawText(),
        };
    }

    /// <summary>Reads one case object.</summary>
    /// <exception cref="MessageParseException">It has no string <c>caseId</c>.</exception>
    public static SupportCase Read(JsonElement element) =>
        TryRead(element) ?? throw new MessageParseException("not a support case: no caseId");

    private static string OpeningCommunication(JsonElement supportCase)
    {
        if (supportCase.ValueKind != JsonValueKind.Object
            || !supportCase.TryGetProperty("recentCommunications", out var recent) || recent.ValueKind != JsonValueKind.Object
            || !recent.TryGetProperty("communications", out var communications) || communications.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var first = "";
        foreach (var communication in communications.EnumerateArray())
        {
            if (communication.ValueKind == JsonValueKind.Object)
            {
                first = Text(communication, "body");
            }
        }

        return first;
    }

    /// <summary>A string field as AWS wrote it; empty when absent or not a string.</summary>
    private static string Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? ""
            : "";
}
