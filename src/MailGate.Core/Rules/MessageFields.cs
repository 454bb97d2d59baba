using MailGate.Parse;

namespace MailGate.Rules;

/// <summary>Maps rule-file field names to <see cref="MessageFacts"/> values.</summary>
internal static class MessageFields
{
    public const string Names = "sender, from, envelope_from, recipient, to, cc, subject, body, list_id, message_id, account_id, account_name, header, authenticated";

    public static FieldKind? Parse(string name) => name switch
    {
        "sender" => FieldKind.Sender,
        "from" => FieldKind.From,
        "envelope_from" => FieldKind.EnvelopeFrom,
        "recipient" => FieldKind.Recipient,
        "to" => FieldKind.To,
        "cc" => FieldKind.Cc,
        "subject" => FieldKind.Subject,
        "body" => FieldKind.Body,
        "list_id" => FieldKind.ListId,
        "message_id" => FieldKind.MessageId,
        "header" => FieldKind.Header,
        "account_id" => FieldKind.AccountId,
        "account_name" => FieldKind.AccountName,
        _ => null,
    };

    public static string Name(FieldKind kind) => kind switch
    {
        FieldKind.Sender => "sender",
        FieldKind.From => "from",
        FieldKind.EnvelopeFrom => "envelope_from",
        FieldKind.Recipient => "recipient",
        FieldKind.To => "to",
        FieldKind.Cc => "cc",
        FieldKind.Subject => "subject",
        FieldKind.Body => "body",
        FieldKind.ListId => "list_id",
        FieldKind.MessageId => "message_id",
        FieldKind.Header => "header",
        FieldKind.AccountId => "account_id",
        FieldKind.AccountName => "account_name",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool IsMultiValued(FieldKind kind) =>
        kind is FieldKind.Recipient or FieldKind.To or FieldKind.Cc or FieldKind.Header;

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
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a single-valued field"),
    };

    /// <summary>The values of a multi-valued field; empty when there are none.</summary>
    public static IReadOnlyList<string> Multi(MessageFacts facts, FieldKind kind, string? header) => kind switch
    {
        FieldKind.Recipient => facts.Recipients,
        FieldKind.To => facts.To,
        FieldKind.Cc => facts.Cc,
        FieldKind.Header => header is not null && facts.Headers.TryGetValue(header, out var values) ? values : [],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a multi-valued field"),
    };

    /// <summary>Describes a field for traces: <c>subject</c> or <c>header X-Foo</c>.</summary>
    public static string Describe(FieldKind kind, string? header) =>
        kind == FieldKind.Header ? "header " + header : Name(kind);
}
