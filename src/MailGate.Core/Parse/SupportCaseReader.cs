using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MailGate.Spool;
using MailGate.Storage;

namespace MailGate.Parse;

/// <summary>
/// Reads AWS Support cases, as the Support API's <c>DescribeCases</c> returns them, into
/// <see cref="MessageFacts"/> that rules match like mail: subject, body (the case's first
/// communication), sender (<c>submittedBy</c>), account, and the case's own fields in
/// <see cref="MessageFacts.Case"/>.
/// </summary>
public static partial class SupportCaseReader
{
    /// <summary>The longest body kept, as for mail: the case's opening text, cut without splitting a surrogate pair.</summary>
    public const int MaxBodyChars = 1_000_000;

    /// <summary>
    /// The cases in <paramref name="root"/>: a whole <c>DescribeCases</c> response (<c>{"cases": [...]}</c>),
    /// a JSON array of cases, or a single case object.
    /// </summary>
    /// <exception cref="MessageParseException">The JSON holds no case.</exception>
    public static IReadOnlyList<JsonElement> Cases(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("cases", out var cases))
        {
            root = cases;
        }

        var result = root.ValueKind switch
        {
            JsonValueKind.Array => root.EnumerateArray().ToArray(),
            JsonValueKind.Object => [root],
            _ => [],
        };
        if (result.Length == 0 || result.Any(c => c.ValueKind != JsonValueKind.Object))
        {
            throw new MessageParseException("not a support case: expected a DescribeCases response, an array of cases or one case object");
        }

        return result;
    }

    /// <summary>Reads the spooled support case <paramref name="message"/> (its <c>case.json</c>).</summary>
    /// <exception cref="MessageParseException">The file is not a support case.</exception>
    public static MessageFacts Read(SpooledMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var stream = File.OpenRead(message.MessagePath);
        return Read(message.Id, message.Envelope, stream);
    }

    /// <summary>Reads one support case from <paramref name="json"/>.</summary>
    /// <exception cref="MessageParseException">The JSON is not one support case.</exception>
    public static MessageFacts Read(string spoolId, Envelope envelope, Stream json)
    {
        var cases = ReadAll(spoolId, envelope, json);
        return cases.Count == 1 ? cases[0] : throw new MessageParseException($"expected one support case, found {cases.Count}");
    }

    /// <summary>
    /// Reads every case in <paramref name="json"/> (see <see cref="Cases"/>); with several, their spool
    /// ids are <paramref name="spoolId"/> followed by their position.
    /// </summary>
    /// <exception cref="MessageParseException">The JSON holds no support case, or one without a caseId.</exception>
    public static IReadOnlyList<MessageFacts> ReadAll(string spoolId, Envelope envelope, Stream json)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        try
        {
            using var document = JsonDocument.Parse(json);
            var cases = Cases(document.RootElement);
            return cases.Count == 1
                ? [ToFacts(cases[0], spoolId, envelope)]
                : cases.Select((supportCase, i) => ToFacts(supportCase, $"{spoolId} {i + 1}", envelope)).ToArray();
        }
        catch (JsonException e)
        {
            throw new MessageParseException($"not JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// The facts of one case. The account comes from <paramref name="envelope"/>'s <see cref="Envelope.SupportCase"/> origin
    /// (the account the poller asked), else from the case id, which names it (<c>case-123456789012-…</c>).
    /// </summary>
    /// <exception cref="MessageParseException">The case has no <c>caseId</c>.</exception>
    public static MessageFacts ToFacts(JsonElement supportCase, string spoolId, Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var caseId = Text(supportCase, "caseId");
        if (caseId.Length == 0)
        {
            throw new MessageParseException("not a support case: no caseId");
        }

        var origin = envelope.SupportCase;
        var accountId = origin?.AccountId is { Length: > 0 } known ? known : AccountOf(caseId);
        var submittedBy = Text(supportCase, "submittedBy");
        var timeCreated = Text(supportCase, "timeCreated");
        var language = Text(supportCase, "language");
        var facts = new SupportCaseFacts
        {
            CaseId = caseId,
            DisplayId = Text(supportCase, "displayId"),
            Category = Text(supportCase, "categoryCode"),
            Service = Text(supportCase, "serviceCode"),
            Severity = Text(supportCase, "severityCode"),
            Status = Text(supportCase, "status"),
            SubmittedBy = submittedBy,
            Language = language.Length > 0 ? language : origin?.Language ?? "",
            TimeCreated = timeCreated,
            AccountEmail = origin?.AccountEmail ?? "",
        };

        return new MessageFacts
        {
            SpoolId = spoolId,
            Sender = submittedBy,
            From = submittedBy,
            Subject = Text(supportCase, "subject").Trim(),
            Body = Cut(FirstCommunication(supportCase)),
            Date = TimeCreated(supportCase),
            ReceivedAt = envelope.ReceivedAt,
            ContentHash = caseId,
            AccountId = accountId,
            AccountName = origin?.AccountName ?? "",
            Case = facts,
        };
    }

    /// <summary>The account id a case id names (<c>case-123456789012-…</c>), or empty.</summary>
    public static string AccountOf(string caseId)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        var match = CaseIdPattern().Match(caseId);
        return match.Success ? match.Groups["account"].Value : "";
    }

    /// <summary>
    /// The body of the case's first communication: the one that opened it. <c>recentCommunications</c>
    /// lists the latest first, so that is the last one listed (for a new case, the only one).
    /// </summary>
    private static string FirstCommunication(JsonElement supportCase)
    {
        if (!supportCase.TryGetProperty("recentCommunications", out var recent) || recent.ValueKind != JsonValueKind.Object
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

    /// <summary>A string field of a case (or communication) as AWS wrote it; empty when absent or not a string.</summary>
    public static string Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? ""
            : "";

    /// <summary>The case's <c>timeCreated</c>; null when absent or unreadable.</summary>
    public static DateTimeOffset? TimeCreated(JsonElement supportCase) =>
        DateTimeOffset.TryParse(Text(supportCase, "timeCreated"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)
            ? created
            : null;

    private static string Cut(string text)
    {
        if (text.Length <= MaxBodyChars)
        {
            return text;
        }

        var cut = MaxBodyChars;
        return text[..(char.IsHighSurrogate(text[cut - 1]) ? cut - 1 : cut)];
    }

    [GeneratedRegex(@"^case-(?<account>\d{12})-", RegexOptions.CultureInvariant)]
    private static partial Regex CaseIdPattern();
}
