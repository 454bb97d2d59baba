
using MailGate.Core.Deliver;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Storage;

namespace MailGate.Core.Decide;

/// <summary>
/// What <see cref="MessageDecider"/> decided for one message, and everything the caller needs to act on
/// it, log it and explain it: nothing in it was written, sent, logged or counted yet.
/// </summary>
public sealed record MessageDecision
{
    /// <summary>The facts the rules saw: as read, with the accounts resolved (<see cref="AccountResolver"/>).</summary>
    public required MessageFacts Facts { get; init; }

    /// <summary>The rules' verdict: matches before the untrusted limits, the drop rule, errors, and (with <see cref="DecisionInput.Explain"/>) every rule's reason.</summary>
    public required Decision Evaluation { get; init; }

    /// <summary>The version (hash) of the rules decided with.</summary>
    public required string RulesVersion { get; init; }

    /// <summary>What identifies the message in logs and state: its Message-ID (may be empty), or <c>case </c> and a support case's id.</summary>
    public required string Identity { get; init; }

    /// <summary>What was verified about the message's origin, as the audit trail states it.</summary>
    public required string Authentication { get; init; }

    /// <summary>
    /// Whether the message meets the rules' trust policy (<c>trust.trusted</c>); true without a trust
    /// policy and for support cases. Events of an unverified message travel in the route's lane for
    /// unverified mail (<see cref="DeliveryRecord.Unverified"/>).
    /// </summary>
    public required bool Verified { get; init; }

    /// <summary>The DKIM/ARC keys (<c>selector._domainkey.domain</c>) that verified this trusted mail: the caller keeps them fresh. Empty otherwise.</summary>
    public IReadOnlyList<string> KeysToPin { get; init; } = [];

    /// <summary>What pages, in rule order: each match that passed the trust policy and the untrusted limits, with its event (routing key left out).</summary>
    public required IReadOnlyList<DecidedPage> Pages { get; init; }

    /// <summary>Matches of an untrusted message not paged (dropped by the policy, then over a limit, in rule order), with their audit lines.</summary>
    public required IReadOnlyList<UntrustedOutcome> Untrusted { get; init; }

    /// <summary>Page, drop, or error (nothing pages although a page rule failed: the message is dead-lettered).</summary>
    public required DecisionAction Action { get; init; }

    /// <summary>The state to persist before anything is sent: the decision, the audit trail and one pending delivery per page.</summary>
    public required ProcessingState State { get; init; }

    /// <summary>The <c>action</c> label of <c>mailgate_decisions_total</c> and the <c>decision</c> of <c>rules test --json</c>: <c>page</c>, <c>drop</c> or <c>error</c>.</summary>
    public string ActionLabel => Action switch
    {
        DecisionAction.Page => "page",
        DecisionAction.Error => "error",
        _ => "drop",
    };
}

/// <summary>One page owed to PagerDuty.</summary>
/// <param name="Match">The rule match, after the trust policy (severity, summary, dedup key).</param>
/// <param name="Event">The event as it will be sent, but for the routing key.</param>
public sealed record DecidedPage(RuleMatch Match, PagerDutyEvent Event);

/// <summary>What a decision does with the message.</summary>
public enum DecisionAction
{
    /// <summary>Nothing pages: a drop rule matched, no rule matched, or every match was untrusted and not paged.</summary>
    Drop,

    /// <summary>At least one page is owed.</summary>
    Page,

    /// <summary>Nothing pages, but a page rule could not be evaluated (<see cref="Decision.Undecided"/>): dead-lettered, not dropped.</summary>
    Error,
}
