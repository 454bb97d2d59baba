using MailGate.Core.Messages;
using MailGate.Core.Storage;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MailGate.Core.Parse;

/// <summary>
/// Reads AWS Support cases, as the Support API's <c>DescribeCases</c> returns them (each read once into
/// a <see cref="SupportCase"/>), into <see cref="MessageFacts"/> that rules match like mail: subject, body (the case's first
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

    /// <summary>Reads one support case from <paramref name="json"/>.</summary>
    /// <exception cref="MessageParseException">The JSON is not one support case.</exception>
    public static MessageFacts Read(string spoolId, Envelope envelope, Stream json) =>
        JsonSourceReader.One(ReadAll(spoolId, envelope, json), "support case");

    /// <summary>
    /// Reads every case in <paramref name="json"/> (see <see cref="Cases"/>); with several, their spool
    /// ids are <paramref name="spoolId"/> followed by their position.
    /// </summary>
    /// <exception cref="MessageParseException">The JSON holds no support case, or one without a caseId.</exception>
    public static IReadOnlyList<MessageFacts> ReadAll(string spoolId, Envelope envelope, Stream json) =>
        JsonSourceReader.ReadAll(spoolId, envelope, json, root => Cases(root).Select(SupportCase.Read).ToArray(), ToFacts);

    /// <summary>
    /// The facts of one case. The account comes from <paramref name="envelope"/>'s <see cref="Envelope.Case"/>
    /// (the account the poller asked), else from the case id, which names it (<c>case-123456789012-…</c>).
    /// </summary>
    public static MessageFacts ToFacts(SupportCase supportCase, string spoolId, Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        ArgumentNullException.ThrowIfNull(envelope);
        var origin = envelope.SupportCase;
        var accountId = origin?.AccountId is { Length: > 0 } known ? known : AccountOf(supportCase.CaseId);
        var facts = new SupportCaseFacts
        {
            CaseId = supportCase.CaseId,
            DisplayId = supportCase.DisplayId,
            Category = supportCase.CategoryCode,
            Service = supportCase.ServiceCode,
            Severity = supportCase.SeverityCode,
            Status = supportCase.Status,
            SubmittedBy = supportCase.SubmittedBy,
            Language = supportCase.Language.Length > 0 ? supportCase.Language : origin?.Language ?? "",
            TimeCreated = supportCase.TimeCreatedText,
            AccountEmail = origin?.AccountEmail ?? "",
        };

        return new MessageFacts
        {
            SpoolId = spoolId,
            Sender = supportCase.SubmittedBy,
            From = supportCase.SubmittedBy,
            Subject = supportCase.Subject.Trim(),
            Body = Cut(supportCase.OpeningText),
            Date = supportCase.TimeCreated,
            ReceivedAt = envelope.ReceivedAt,
            ContentHash = supportCase.CaseId,
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

    /// <summary><paramref name="text"/> cut to <see cref="MaxBodyChars"/> without splitting a surrogate pair (also a Health event's description).</summary>
    internal static string Cut(string text)
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
