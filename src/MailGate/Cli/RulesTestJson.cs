using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MailGate.Decide;
using MailGate.Deliver;
using MailGate.Parse;
using MailGate.Rules;

namespace MailGate.Cli;

/// <summary>The <c>--json</c> output of <c>rules test</c>: one object per message (or support case).</summary>
internal static class RulesTestJson
{
    /// <summary>One decision as JSON; <paramref name="events"/> are its pages' events as shown (routing key masked).</summary>
    public static JsonObject Decision(FileInfo message, RuleSet rules, MessageDecision decision, IReadOnlyList<PagerDutyEvent> events)
    {
        var evaluation = decision.Evaluation;
        return new JsonObject
        {
            ["message"] = message.FullName,
            ["facts"] = Facts(decision.Facts),
            ["rules_source"] = rules.Source,
            ["rules_version"] = rules.Version,
            ["rules"] = new JsonArray([.. evaluation.Trace.Select(t => (JsonNode?)new JsonObject { ["rule"] = t.Rule, ["matched"] = t.Matched, ["reason"] = t.Reason })]),
            ["decision"] = decision.ActionLabel,
            ["errors"] = new JsonArray([.. evaluation.Errors.Select(e => (JsonNode?)new JsonObject { ["rule"] = e.Rule, ["reason"] = e.Reason, ["detail"] = e.Detail, ["page_rule"] = e.PageRule })]),
            ["dedup_keys"] = new JsonArray([.. decision.Pages.Select(p => (JsonNode?)p.Match.DedupKey)]),
            ["dropped_by"] = evaluation.DroppedBy,
            ["dropped_untrusted"] = new JsonArray([.. evaluation.DroppedUntrusted.Select(r => (JsonNode?)r)]),
            ["untrusted"] = new JsonArray([.. decision.Untrusted.Select(u => (JsonNode?)u.Audit)]),
            ["events"] = new JsonArray([.. events.Select(e => JsonSerializer.SerializeToNode(e, PagerDutyJsonContext.Default.PagerDutyEvent))]),
        };
    }

    private static JsonObject Facts(MessageFacts facts) => new()
    {
        ["sender"] = facts.Sender,
        ["from"] = facts.From,
        ["envelope_from"] = facts.EnvelopeFrom,
        ["recipients"] = Strings(facts.Recipients),
        ["to"] = Strings(facts.To),
        ["cc"] = Strings(facts.Cc),
        ["subject"] = facts.Subject,
        ["list_id"] = facts.ListId,
        ["message_id"] = facts.MessageId,
        ["date"] = facts.Date?.ToString("o", CultureInfo.InvariantCulture),
        ["account_id"] = facts.AccountId,
        ["account_ids"] = Strings(facts.AccountIds),
        ["account_name"] = facts.AccountName,
        ["account_owner"] = facts.AccountOwner,
        ["authentication"] = facts.Authentication.ToString(),
        ["body"] = facts.Body,
        ["source"] = facts.Source,
        ["case"] = facts.Case is not { } c ? null : new JsonObject
        {
            ["case_id"] = c.CaseId,
            ["display_id"] = c.DisplayId,
            ["category"] = c.Category,
            ["service"] = c.Service,
            ["severity"] = c.Severity,
            ["status"] = c.Status,
            ["submitted_by"] = c.SubmittedBy,
            ["language"] = c.Language,
            ["time_created"] = c.TimeCreated,
        },
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);
}
