using MailGate.Parse;

namespace MailGate.Rules;

/// <summary>The built-in <c>{name}</c> placeholders of summary and dedup-key templates.</summary>
internal static class TemplatePlaceholders
{
    public static IReadOnlyList<string> Names { get; } =
        ["subject", "sender", "from", "envelope_from", "recipient", "to", "cc", "list_id", "message_id", "message_key", "spool_id", "rule", "account", "account_id", "account_ids", "account_name", "account_owner",
         "source", "case_id", "display_id", "category", "service", "severity", "status", "submitted_by", "language", "time_created", "account_email", "case_url"];

    public static bool IsBuiltIn(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>The value of built-in placeholder <paramref name="name"/>.</summary>
    public static string Value(string name, MessageFacts facts, string rule) => name switch
    {
        "subject" => facts.Subject,
        "sender" => facts.Sender,
        "from" => facts.From,
        "envelope_from" => facts.EnvelopeFrom,
        "recipient" => facts.Recipients.Count > 0 ? facts.Recipients[0] : "",
        "to" => string.Join(",", facts.To),
        "cc" => string.Join(",", facts.Cc),
        "list_id" => facts.ListId,
        "message_id" => facts.MessageId,
        "message_key" => DedupKeys.Identity(facts),
        "spool_id" => facts.SpoolId,
        "rule" => rule,
        "account" => facts.Account.Length > 0 ? facts.Account : "unknown account",
        "account_id" => facts.AccountId,
        "account_ids" => string.Join(", ", facts.AccountIds),
        "account_name" => facts.AccountName,
        "account_owner" => facts.AccountOwner,
        "source" => facts.Source,
        "case_id" => facts.Case?.CaseId ?? "",
        "display_id" => facts.Case?.DisplayId ?? "",
        "category" => facts.Case?.Category ?? "",
        "service" => facts.Case?.Service ?? "",
        "severity" => facts.Case?.Severity ?? "",
        "status" => facts.Case?.Status ?? "",
        "submitted_by" => facts.Case?.SubmittedBy ?? "",
        "language" => facts.Case?.Language ?? "",
        "time_created" => facts.Case?.TimeCreated ?? "",
        "account_email" => facts.Case?.AccountEmail ?? "",
        "case_url" => facts.Case?.ConsoleUrl ?? "",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a built-in placeholder"),
    };
}
