using MailGate.Parse;

namespace MailGate.Rules;

/// <summary>
/// Maps rule-file field names to <see cref="MessageFacts"/> values. The support-case fields
/// (<c>case_id</c> … <c>time_created</c>) are empty for mail; the mail-only ones are empty for cases.
/// </summary>
internal static class MessageFields
{
    public const string Names = "sender, from, envelope_from, recipient, to, cc, subject, body, list_id, message_id, account_id, account_ids, account_name, header, authenticated, "
        + "source, case_id, display_id, category, service, severity, status, submitted_by, language, time_created, account_email";

    private static readonly (string Name, FieldKind Kind)[] Table =
    [
        ("sender", FieldKind.Sender),
        ("from", FieldKind.From),
        ("envelope_from", FieldKind.EnvelopeFrom),
        ("recipient", FieldKind.Recipient),
        ("to", FieldKind.To),
        ("cc", FieldKind.Cc),
        ("subject", FieldKind.Subject),
        ("body", FieldKind.Body),
        ("list_id", FieldKind.ListId),
        ("message_id", FieldKind.MessageId),
        ("header", FieldKind.Header),
        ("account_id", FieldKind.AccountId),
        ("account_ids", FieldKind.AccountIds),
        ("account_name", FieldKind.AccountName),
        ("source", FieldKind.Source),
        ("case_id", FieldKind.CaseId),
        ("display_id", FieldKind.DisplayId),
        ("category", FieldKind.Category),
        ("service", FieldKind.Service),
        ("severity", FieldKind.Severity),
        ("status", FieldKind.Status),
        ("submitted_by", FieldKind.SubmittedBy),
        ("language", FieldKind.Language),
        ("time_created", FieldKind.TimeCreated),
        ("account_email", FieldKind.AccountEmail),
    ];

    public static FieldKind? Parse(string name)
    {
        foreach (var (candidate, kind) in Table)
        {
            if (candidate == name)
            {
                return kind;
            }
        }

        return null;
    }

    public static string Name(FieldKind kind)
    {
        foreach (var (name, candidate) in Table)
        {
            if (candidate == kind)
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
    }

    public static bool IsMultiValued(FieldKind kind) =>
        kind is FieldKind.Recipient or FieldKind.To or FieldKind.Cc or FieldKind.Header or FieldKind.AccountIds;

    /// <summary>The value of a single-valued field.</summary>
    public static string Single(MessageFacts facts, FieldKind kind) => kind switch
    {
        FieldKind.Sender => facts.Sender,
        FieldKind.From => facts.From,
        FieldKind.EnvelopeFrom => facts.EnvelopeFrom,
        FieldKind.Subject => facts.Subject,
        FieldKind.Body => facts.Body,
        FieldKind.ListId => facts.ListId,
        FieldKind.MessageId => facts.MessageId,
        FieldKind.AccountId => facts.AccountId,
        FieldKind.AccountName => facts.AccountName,
        FieldKind.Source => facts.Source,
        FieldKind.CaseId => facts.Case?.CaseId ?? "",
        FieldKind.DisplayId => facts.Case?.DisplayId ?? "",
        FieldKind.Category => facts.Case?.Category ?? "",
        FieldKind.Service => facts.Case?.Service ?? "",
        FieldKind.Severity => facts.Case?.Severity ?? "",
        FieldKind.Status => facts.Case?.Status ?? "",
        FieldKind.SubmittedBy => facts.Case?.SubmittedBy ?? "",
        FieldKind.Language => facts.Case?.Language ?? "",
        FieldKind.TimeCreated => facts.Case?.TimeCreated ?? "",
        FieldKind.AccountEmail => facts.Case?.AccountEmail ?? "",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a single-valued field"),
    };

    /// <summary>The values of a multi-valued field; empty when there are none.</summary>
    public static IReadOnlyList<string> Multi(MessageFacts facts, FieldKind kind, string? header) => kind switch
    {
        FieldKind.Recipient => facts.Recipients,
        FieldKind.To => facts.To,
        FieldKind.Cc => facts.Cc,
        FieldKind.AccountIds => facts.AccountIds,
        FieldKind.Header => header is not null && facts.Headers.TryGetValue(header, out var values) ? values : [],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a multi-valued field"),
    };

    /// <summary>Describes a field for traces: <c>subject</c> or <c>header X-Foo</c>.</summary>
    public static string Describe(FieldKind kind, string? header) =>
        kind == FieldKind.Header ? "header " + header : Name(kind);
}
