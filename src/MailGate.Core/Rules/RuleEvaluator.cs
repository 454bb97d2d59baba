using MailGate.Parse;

namespace MailGate.Rules;

/// <summary>
/// Decides what happens to a message: a pure function of a <see cref="RuleSet"/> and the message's
/// <see cref="MessageFacts"/>. Rules run in order; the first match decides unless it says
/// <c>continue: true</c>; a matching drop rule stops evaluation.
/// </summary>
public sealed class RuleEvaluator
{
    private static readonly IReadOnlyDictionary<string, string> NoExtracted = new Dictionary<string, string>();

    private RuleEvaluator()
    {
    }

    /// <summary>Evaluates <paramref name="rules"/> against <paramref name="facts"/>.</summary>
    /// <param name="rules">The rule set.</param>
    /// <param name="facts">The message.</param>
    /// <param name="explain">Record a <see cref="RuleTrace"/> per rule (slow; for the explain command and tests).</param>
    public static Decision Evaluate(RuleSet rules, MessageFacts facts, bool explain = false)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(facts);

        List<RuleMatch>? matches = null;
        List<RuleTrace>? trace = explain ? new List<RuleTrace>(rules.Rules.Count) : null;
        string? droppedBy = null;
        string? decidedBy = null;
        var list = rules.Rules;

        for (var i = 0; i < list.Count; i++)
        {
            var rule = list[i];
            if (decidedBy is not null)
            {
                trace?.Add(new RuleTrace(rule.Name, false, $"not reached: decided by '{decidedBy}'"));
                continue;
            }

            bool matched;
            if (trace is null)
            {
                matched = rule.When is null || rule.When.Matches(facts);
            }
            else
            {
                var reasons = new List<string>();
                matched = rule.When is null || rule.When.Explain(facts, reasons);
                var reason = rule.When is null
                    ? "matched: no conditions"
                    : matched ? "matched: " + string.Join("; ", reasons) : string.Join("; ", reasons);
                trace.Add(new RuleTrace(rule.Name, matched, reason));
            }

            if (!matched)
            {
                continue;
            }

            if (rule.Drop)
            {
                droppedBy = rule.Name;
                decidedBy = rule.Name;
                if (trace is null)
                {
                    break;
                }

                continue;
            }

            (matches ??= []).Add(CreateMatch(rules, rule, facts));
            if (!rule.Continue)
            {
                decidedBy = rule.Name;
                if (trace is null)
                {
                    break;
                }
            }
        }

        return new Decision(
            matches is null ? [] : matches,
            droppedBy,
            trace is null ? [] : trace);
    }

    private static RuleMatch CreateMatch(RuleSet rules, Rule rule, MessageFacts facts)
    {
        var route = rules.Routes[rule.RouteName!];
        IReadOnlyDictionary<string, string> extracted = NoExtracted;
        if (rule.Extractions.Count > 0)
        {
            var values = new Dictionary<string, string>(rule.Extractions.Count, StringComparer.Ordinal);
            foreach (var extraction in rule.Extractions)
            {
                values[extraction.Name] = extraction.Extract(facts);
            }

            extracted = values;
        }

        // PagerDuty needs a summary: a template that renders blank falls back to the default.
        var summary = rule.Summary?.Render(facts, rule.Name, extracted);
        if (string.IsNullOrWhiteSpace(summary))
        {
            summary = string.IsNullOrWhiteSpace(facts.Subject) ? "(no subject)" : facts.Subject;
        }

        var dedupKey = rule.DedupKey is null ? null : rule.DedupKey.Render(facts, rule.Name, extracted);
        dedupKey = string.IsNullOrWhiteSpace(dedupKey)
            ? DedupKeys.Default(rule.Name, facts)
            : DedupKeys.Templated(rule.Name, dedupKey);

        return new RuleMatch(rule.Name, route.Name, rule.Severity ?? route.PagerDuty.Severity, summary, dedupKey, extracted);
    }
}
