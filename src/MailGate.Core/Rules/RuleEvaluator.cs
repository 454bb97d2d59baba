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
        List<string>? untrustedDrops = null;
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

            var match = CreateMatch(rules, rule, facts);
            if (rule.RequiresTrust && rules.Trust is { } trust)
            {
                match = ApplyTrust(rules, trust, match, facts, trace);
                if (match is null)
                {
                    (untrustedDrops ??= []).Add(rule.Name);
                }
            }

            if (match is not null)
            {
                (matches ??= []).Add(match);
            }

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
            trace is null ? [] : trace,
            untrustedDrops);
    }

    /// <summary>
    /// The match as the trust policy leaves it: unchanged when the message is trusted, else marked and
    /// re-severitied (or re-routed), or null when untrusted matches are dropped.
    /// </summary>
    private static RuleMatch? ApplyTrust(RuleSet rules, TrustPolicy trust, RuleMatch match, MessageFacts facts, List<RuleTrace>? trace)
    {
        if (facts.Case is not null)
        {
            // Read from the account's own Support API with signed requests: nobody outside AWS can forge
            // it the way they can forge mail, so the mail trust policy does not apply.
            if (trace is not null)
            {
                trace[^1] = trace[^1] with { Reason = $"{trace[^1].Reason}; trusted: a support case read from the AWS Support API" };
            }

            return match;
        }

        bool trusted;
        if (trace is null)
        {
            trusted = trust.Trusted.Matches(facts);
        }
        else
        {
            var reasons = new List<string>();
            trusted = trust.Trusted.Explain(facts, reasons);
            var untrusted = trust.Untrusted;
            var treatment = untrusted.Action switch
            {
                UntrustedAction.Drop => "dropped (trust.untrusted.action: drop)",
                UntrustedAction.Route => $"paged on route '{untrusted.Route}' at {untrusted.Severity}, marked '{untrusted.SummaryPrefix.Trim()}'",
                _ => $"paged at {untrusted.Severity}, marked '{untrusted.SummaryPrefix.Trim()}'",
            };
            var last = trace[^1];
            trace[^1] = last with
            {
                Reason = trusted
                    ? $"{last.Reason}; trusted: {string.Join("; ", reasons)}"
                    : $"{last.Reason}; NOT TRUSTED: {string.Join("; ", reasons)} → {treatment}",
            };
        }

        if (trusted)
        {
            return match;
        }

        var treatmentOf = trust.Untrusted;
        return treatmentOf.Action switch
        {
            UntrustedAction.Drop => null,
            UntrustedAction.Route => match with
            {
                Route = rules.Routes[treatmentOf.Route!].Name,
                Severity = treatmentOf.Severity,
                Summary = treatmentOf.SummaryPrefix + match.Summary,
                Trusted = false,
            },
            _ => match with { Severity = treatmentOf.Severity, Summary = treatmentOf.SummaryPrefix + match.Summary, Trusted = false },
        };
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
            if (facts.Account.Length > 0)
            {
                summary = $"{summary} ({(facts.OtherAccounts.Count > 0 ? "accounts" : "account")} {facts.Account})";
            }
        }

        var dedupKey = rule.DedupKey is null ? null : rule.DedupKey.Render(facts, rule.Name, extracted);
        dedupKey = string.IsNullOrWhiteSpace(dedupKey)
            ? DedupKeys.Default(rule.Name, facts)
            : DedupKeys.Templated(rule.Name, dedupKey);

        return new RuleMatch(rule.Name, route.Name, rule.Severity ?? route.PagerDuty.Severity, summary, dedupKey, extracted);
    }
}
