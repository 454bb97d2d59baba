
using MailGate.Core.Deliver;
using MailGate.Core.Facts;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Storage;

namespace MailGate.Core.Decide;

/// <summary>
/// Decides what happens to one message (or support case): resolves its accounts, evaluates the rules,
/// applies the trust policy and the untrusted limits, builds the PagerDuty events and the state to
/// persist. A pure function of its <see cref="DecisionInput"/> and the limiter's answers: no I/O, no clock,
/// no logging, no metrics. The gateway's processor and <c>mailgate rules test</c> both decide through it,
/// so <c>rules test</c> shows what the gateway decides.
/// </summary>
/// <remarks>
/// <para>Trust: a message is verified when the rules have no trust policy, when it is a support case (read
/// from the AWS Support API with signed requests), or when it meets <c>trust.trusted</c>. The rules apply the
/// untrusted treatment to matches of <c>trust: required</c> rules (<see cref="RuleEvaluator"/>); each untrusted
/// match that would page then asks the <see cref="IUntrustedLimiter"/>, in rule order, and one over a limit
/// is not paged but kept in the audit trail (<see cref="MessageDecision.Untrusted"/>).</para>
/// <para>Nothing pages although a page rule failed: the decision is an error, and the state carries it in
/// <see cref="ProcessingState.Error"/> so that the message is dead-lettered, not dropped.</para>
/// </remarks>
public static class MessageDecider
{
    /// <summary>The authentication line of a support case: mail authentication does not apply.</summary>
    public const string SupportApiAuthentication = Fields.SupportApiVerdict;

    /// <summary>Decides <paramref name="input"/>; asks <paramref name="limiter"/> once per untrusted match that would page.</summary>
    /// <param name="input">The message, the rules and the context of the decision.</param>
    /// <param name="limiter">The untrusted limits' bookkeeping; the only thing the decision changes.</param>
    /// <returns>The decision, with the state to persist before anything is sent.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static MessageDecision Decide(DecisionInput input, IUntrustedLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(limiter);
        if (input.Facts.Coverage is { } alert)
        {
            return CoverageDecider.Decide(input, alert); // MailGate's own alert: never the rules, never limited
        }

        var rules = input.Rules;
        var facts = AccountResolver.Resolve(input.Facts, rules.Accounts);
        var evaluation = RuleEvaluator.Evaluate(rules, facts, input.Explain);
        var supportCase = facts.FromAws;
        var verified = RuleEvaluator.IsTrusted(rules, facts);
        var authentication = Fields.Authenticated.Read(facts);

        var untrusted = new List<UntrustedOutcome>();
        foreach (var rule in evaluation.DroppedUntrusted)
        {
            untrusted.Add(new UntrustedOutcome(rule, UntrustedVerdict.Allowed, null, $"{rule}: matched, but the message is not trusted; dropped by the trust policy"));
        }

        var pages = new List<DecidedPage>();
        var limits = rules.Trust?.Untrusted ?? UntrustedTreatment.Default;
        foreach (var match in evaluation.Matches)
        {
            if (!match.Trusted && limiter.TryAcquire(facts.Sender, input.ClientAddress, limits) is var verdict && verdict != UntrustedVerdict.Allowed)
            {
                var limit = Limit(verdict, facts.Sender, input.ClientAddress);
                untrusted.Add(new UntrustedOutcome(match.Rule, verdict, limit, $"{match.Rule}: matched, but the message is not trusted and {limit}; not paged"));
                continue;
            }

            pages.Add(new DecidedPage(match, PagerDutyEventBuilder.Build(facts, match, rules.Version, input.Resolve)));
        }

        var identity = facts.Case is { } c ? "case " + c.CaseId : facts.Health is { } h ? $"health event {h.EventArn} for {h.AccountId}" : facts.MessageId;
        return new MessageDecision
        {
            Facts = facts,
            Evaluation = evaluation,
            RulesVersion = rules.Version,
            Identity = identity,
            Authentication = authentication,
            Verified = verified,
            KeysToPin = verified && rules.Trust is not null && !supportCase ? facts.Authentication.KeysUsed : [],
            Pages = pages,
            Untrusted = untrusted,
            Action = pages.Count > 0 ? DecisionAction.Page : evaluation.Undecided ? DecisionAction.Error : DecisionAction.Drop,
            State = new ProcessingState
            {
                RulesVersion = rules.Version,
                DecidedAt = input.DecidedAt,
                MessageId = identity,
                Sender = facts.Sender,
                Subject = facts.Subject,
                DroppedBy = evaluation.DroppedBy,
                Untrusted = [.. untrusted.Select(u => u.Audit)],
                Authentication = authentication,
                Account = facts.Account.Length > 0 ? facts.Account : null,
                Error = evaluation.Undecided ? "the rules could not decide (nothing paged): " + evaluation.ErrorSummary : null,
                Deliveries = [.. pages.Select(page => WithLedgerKey(new DeliveryRecord
                {
                    Rule = page.Match.Rule,
                    Route = page.Match.Route,
                    Event = page.Event,
                    Unverified = !verified,
                }, facts))],
            },
        };
    }

    /// <summary>The decision on a message that cannot be parsed: nothing pages, and the message is dead-lettered with <paramref name="reason"/>.</summary>
    /// <param name="reason">Why it cannot be parsed (<see cref="MessageParseException"/>'s message).</param>
    /// <param name="decidedAt">When it was decided.</param>
    public static ProcessingState Unparseable(string reason, DateTimeOffset decidedAt) =>
        new() { DecidedAt = decidedAt, Error = $"cannot parse: {reason}" };

    /// <summary>A trigger's delivery with its key in the delivery ledger (<see cref="DeliveryRecord.LedgerKey"/>); other events go without.</summary>
    internal static DeliveryRecord WithLedgerKey(DeliveryRecord record, MessageFacts facts) =>
        record.Event.EventAction == "trigger"
            ? record with { LedgerKey = DedupKeys.Ledger(record.Rule, facts, record.TravelsUnverified()) }
            : record;

    /// <summary>The limit an untrusted page is over, for people.</summary>
    private static string Limit(UntrustedVerdict verdict, string sender, string? clientAddress) => verdict switch
    {
        UntrustedVerdict.SenderLimited => $"{sender} is over trust.untrusted.max_per_sender_per_hour",
        UntrustedVerdict.ClientNetworkLimited => $"its client network {ClientNetwork.Of(clientAddress)} is over trust.untrusted.max_per_client_network_per_hour",
        _ => "untrusted pages are over trust.untrusted.max_per_hour",
    };
}
