using MailGate.Core.Decide;
using MailGate.Core.Deliver;
using MailGate.Core.Facts;
using MailGate.Core.Rules;
using System.Text.Json;
using System.Text.Json.Nodes;
using MailGate.Deliver;
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
            ["facts"] = FactsView.Json(decision.Facts),
            ["rules_source"] = rules.Source,
            ["rules_version"] = rules.Version,
            ["rules"] = new JsonArray([.. evaluation.Trace.Select(t => (JsonNode?)new JsonObject { ["rule"] = t.Rule, ["matched"] = t.Matched, ["reason"] = t.Reason })]),
            ["decision"] = decision.ActionLabel,
            ["errors"] = new JsonArray([.. evaluation.Errors.Select(e => (JsonNode?)new JsonObject { ["rule"] = e.Rule, ["reason"] = e.Reason, ["detail"] = e.Detail, ["page_rule"] = e.PageRule })]),
            ["dedup_keys"] = new JsonArray([.. decision.Pages.Select(p => (JsonNode?)p.Match.DedupKey)]),
            ["dropped_by"] = evaluation.DroppedBy,
            ["dropped_untrusted"] = new JsonArray([.. evaluation.DroppedUntrusted.Select(r => (JsonNode?)r)]),
            ["untrusted"] = new JsonArray([.. decision.Untrusted.Select(u => (JsonNode?)u.Audit)]),
            ["probe_token"] = ProbeRecognizer.FindToken(decision.Facts),
            ["events"] = new JsonArray([.. events.Select(e => JsonSerializer.SerializeToNode(e, PagerDutyJsonContext.Default.PagerDutyEvent))]),
        };
    }
}
