using MailGate.Core.Coverage;
using MailGate.Core.Deliver;
using MailGate.Core.Rules;
using MailGate.Core.Storage;

namespace MailGate.Core.Decide;

/// <summary>
/// Decides a coverage record (issue #15: <see cref="CoverageAlert"/> facts, source <c>coverage</c>):
/// never by the rules, but by the rules file's <c>coverage:</c> section — one event on its route at its severity,
/// summary and dedup key from the alert, <c>resolve</c> when the alert is one. Without a <c>coverage:</c> section the
/// decision is an error (nothing pages; the record is dead-lettered with the reason). Pure.
/// </summary>
internal static class CoverageDecider
{
    /// <summary>The rule name coverage events carry (<c>class</c>, the delivery's rule, <c>mailgate_rule_matches_total</c>).</summary>
    public const string RuleName = "coverage";

    /// <summary>The reason a coverage alert is dead-lettered when the rules file has no <c>coverage:</c> section.</summary>
    public const string NoSection = "a coverage alert, but the rules file has no 'coverage:' section (route, severity): nothing paged";

    /// <summary>Decides <paramref name="input"/>, whose facts are a coverage alert.</summary>
    public static MessageDecision Decide(DecisionInput input, CoverageAlert alert)
    {
        var rules = input.Rules;
        var facts = input.Facts;
        var identity = $"coverage {alert.DedupKey} raised {alert.RaisedAt:O}";
        var authentication = Facts.Fields.Authenticated.Read(facts);
        if (rules.Coverage is not { } section)
        {
            return Decision(input, identity, authentication, [], DecisionAction.Error, NoSection);
        }

        var match = new RuleMatch(RuleName, section.Route, section.Severity, alert.Summary, alert.DedupKey, new Dictionary<string, string>(StringComparer.Ordinal));
        var page = new DecidedPage(match, PagerDutyEventBuilder.Build(facts, match, rules.Version, input.Resolve || alert.Resolve));
        return Decision(input, identity, authentication, [page], DecisionAction.Page, null);
    }

    private static MessageDecision Decision(DecisionInput input, string identity, string authentication, IReadOnlyList<DecidedPage> pages, DecisionAction action, string? error) => new()
    {
        Facts = input.Facts,
        Evaluation = new Decision([.. pages.Select(p => p.Match)], null, []),
        RulesVersion = input.Rules.Version,
        Identity = identity,
        Authentication = authentication,
        Verified = true,
        Pages = pages,
        Untrusted = [],
        Action = action,
        State = new ProcessingState
        {
            RulesVersion = input.Rules.Version,
            DecidedAt = input.DecidedAt,
            MessageId = identity,
            Sender = input.Facts.Sender,
            Subject = input.Facts.Subject,
            Authentication = authentication,
            Account = input.Facts.Account.Length > 0 ? input.Facts.Account : null,
            Error = error,
            Deliveries = [.. pages.Select(page => MessageDecider.WithLedgerKey(new DeliveryRecord
            {
                Rule = page.Match.Rule,
                Route = page.Match.Route,
                Event = page.Event,
            }, input.Facts))],
        },
    };
}
