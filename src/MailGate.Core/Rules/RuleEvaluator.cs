
using MailGate.Core.Facts;
using MailGate.Core.Parse;

namespace MailGate.Core.Rules;

/// <summary>
/// Decides what happens to a message: a pure function of a <see cref="RuleSet"/> and the message's
/// <see cref="MessageFacts"/>. Rules run in order; the first match decides unless it says
/// <c>continue: true</c>; a matching drop rule stops evaluation. Rules see whitespace-normalised text
/// (<see cref="RuleInput"/>, each value normalised once per message).
/// </summary>
/// <remarks>
/// A rule whose condition cannot be decided (a regex timed out: <see cref="Truth.Unknown"/>) neither
/// matches nor stops evaluation; it is reported in <see cref="Decision.Errors"/>, and when nothing pages
/// in the end <see cref="Decision.Undecided"/> tells the caller not to drop the message. A trust check
/// that cannot be decided counts as not trusted, and an extract that times out is left empty; both are
/// reported the same way.
/// </remarks>
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

        var input = new RuleInput(facts);
        List<RuleMatch>? matches = null;
        List<RuleTrace>? trace = explain ? new List<RuleTrace>(rules.Rules.Count) : null;
        string? droppedBy = null;
        List<string>? untrustedDrops = null;
        List<EvaluationError>? errors = null;
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

            var truth = When(rule, input, trace);
            var failure = input.TakeFailure();
            if (truth == Truth.Unknown)
            {
                (errors ??= []).Add(new EvaluationError(rule.Name, EvaluationError.RegexTimeout, "when: " + (failure ?? "a regex timed out"), PageRule: !rule.Drop));
                continue;
            }

            if (truth == Truth.False)
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

            var match = CreateMatch(rules, rule, input, ref errors);
            if (rule.RequiresTrust && rules.Trust is { } trust)
            {
                match = ApplyTrust(rules, trust, match, input, trace, ref errors);
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
            untrustedDrops,
            errors);
    }

    /// <summary>The rule's condition on the message; with a trace, also why.</summary>
    private static Truth When(Rule rule, RuleInput input, List<RuleTrace>? trace)
    {
        if (trace is null)
        {
            return rule.When?.Evaluate(input) ?? Truth.True;
        }

        if (rule.When is null)
        {
            trace.Add(new RuleTrace(rule.Name, true, "matched: no conditions"));
            return Truth.True;
        }

        var reasons = new List<string>();
        var truth = rule.When.Explain(input, reasons);
        var joined = string.Join("; ", reasons);
        trace.Add(truth switch
        {
            Truth.True => new RuleTrace(rule.Name, true, "matched: " + joined),
            Truth.False => new RuleTrace(rule.Name, false, joined),
            _ => new RuleTrace(rule.Name, false, $"{RuleTrace.ErrorPrefix}regex timed out: {joined} → counts as neither match nor drop; evaluation goes on{(rule.Drop ? "" : "; if nothing pages, the message is dead-lettered, not dropped")}"),
        });
        return truth;
    }

    /// <summary>
    /// Whether the message meets <c>trust.trusted</c> as the rules' own trust check sees it (a support case
    /// always; no trust policy: everything; a message repeating a once-only header: never). One answer for
    /// the trust a match gets, the lane its events travel in and whether its keys are pinned.
    /// </summary>
    internal static bool IsTrusted(RuleSet rules, MessageFacts facts) =>
        facts.FromAws
        || rules.Trust is not { } trust
        || (RepeatedHeaders.Reason(facts) is null && trust.Trusted.Evaluate(new RuleInput(facts)) == Truth.True);

    /// <summary>
    /// The match as the trust policy leaves it: unchanged when the message is trusted, else marked,
    /// re-severitied (or re-routed) and keyed apart from trusted incidents, or null when untrusted matches
    /// are dropped. A trust check that cannot be decided counts as not trusted, and is reported. A message
    /// that repeats a once-only header (<see cref="RepeatedHeaders"/>) is never trusted.
    /// </summary>
    private static RuleMatch? ApplyTrust(RuleSet rules, TrustPolicy trust, RuleMatch match, RuleInput input, List<RuleTrace>? trace, ref List<EvaluationError>? errors)
    {
        if (input.Facts.FromAws)
        {
            // Read from AWS's own APIs with signed requests (or pushed with a secret key): nobody outside AWS can
            // forge it the way they can forge mail, so the mail trust policy does not apply.
            if (trace is not null)
            {
                var why = input.Facts.Case is not null ? "a support case read from the AWS Support API" : "an AWS Health event";
                trace[^1] = trace[^1] with { Reason = $"{trace[^1].Reason}; trusted: {why}" };
            }

            return match;
        }

        Truth trusted;
        var repeated = RepeatedHeaders.Reason(input.Facts);
        if (trace is null)
        {
            trusted = repeated is null ? trust.Trusted.Evaluate(input) : Truth.False;
        }
        else
        {
            var reasons = new List<string>();
            if (repeated is null)
            {
                trusted = trust.Trusted.Explain(input, reasons);
            }
            else
            {
                trusted = Truth.False;
                reasons.Add(repeated);
            }

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
                Reason = trusted switch
                {
                    Truth.True => $"{last.Reason}; trusted: {string.Join("; ", reasons)}",
                    Truth.False => $"{last.Reason}; NOT TRUSTED: {string.Join("; ", reasons)} → {treatment}",
                    _ => $"{last.Reason}; TRUST UNDECIDED ({string.Join("; ", reasons)}), so NOT TRUSTED → {treatment}",
                },
            };
        }

        var failure = input.TakeFailure();
        if (trusted == Truth.Unknown)
        {
            (errors ??= []).Add(new EvaluationError(match.Rule, EvaluationError.RegexTimeout, "trust.trusted: " + (failure ?? "a regex timed out") + "; taken as not trusted", PageRule: true));
        }

        if (trusted == Truth.True)
        {
            return match;
        }

        var treatmentOf = trust.Untrusted;
        var key = DedupKeys.Untrusted(match.Rule, match.DedupKey);
        return treatmentOf.Action switch
        {
            UntrustedAction.Drop => null,
            UntrustedAction.Route => match with
            {
                Route = rules.Routes[treatmentOf.Route!].Name,
                Severity = treatmentOf.Severity,
                Summary = treatmentOf.SummaryPrefix + match.Summary,
                DedupKey = key,
                Trusted = false,
            },
            _ => match with { Severity = treatmentOf.Severity, Summary = treatmentOf.SummaryPrefix + match.Summary, DedupKey = key, Trusted = false },
        };
    }

    private static RuleMatch CreateMatch(RuleSet rules, Rule rule, RuleInput input, ref List<EvaluationError>? errors)
    {
        var facts = input.Facts;
        var route = rules.Routes[rule.RouteName!];
        IReadOnlyDictionary<string, string> extracted = NoExtracted;
        if (rule.Extractions.Count > 0)
        {
            var values = new Dictionary<string, string>(rule.Extractions.Count, StringComparer.Ordinal);
            foreach (var extraction in rule.Extractions)
            {
                values[extraction.Name] = extraction.Extract(input, out var failure);
                if (failure is not null)
                {
                    (errors ??= []).Add(new EvaluationError(rule.Name, EvaluationError.RegexTimeout, failure + "; left empty", PageRule: true));
                }
            }

            extracted = values;
        }

        // PagerDuty needs a summary: a template that renders blank falls back to the default.
        var summary = rule.Summary?.Render(input, rule.Name, extracted);
        if (string.IsNullOrWhiteSpace(summary))
        {
            var subject = input.Single(Fields.Subject);
            summary = subject.Length == 0 ? "(no subject)" : subject;
            if (facts.Account.Length > 0)
            {
                summary = $"{summary} ({(facts.OtherAccounts.Count > 0 ? "accounts" : "account")} {facts.Account})";
            }
        }

        var dedupKey = rule.DedupKey?.Render(input, rule.Name, extracted);
        dedupKey = string.IsNullOrWhiteSpace(dedupKey)
            ? DedupKeys.Default(rule.Name, facts)
            : DedupKeys.Templated(rule.Name, dedupKey);

        var replyBy = rule.ReplyWithin is { } within ? ReplyDeadline.Find(Notice(input), facts.ReceivedAt, within) : null;
        return new RuleMatch(rule.Name, route.Name, rule.Severity ?? route.PagerDuty.Severity, summary, dedupKey, extracted, ReplyBy: replyBy);
    }

    /// <summary>The normalised subject and the start of the body: where a notice states its deadline.</summary>
    private static string Notice(RuleInput input)
    {
        var subject = input.Single(Fields.Subject);
        var body = input.Single(Fields.Body);
        var room = Math.Max(0, ReplyDeadline.SearchedLength - subject.Length - 1);
        return string.Concat(subject, " ", body.AsSpan(0, Math.Min(body.Length, room)));
    }
}
