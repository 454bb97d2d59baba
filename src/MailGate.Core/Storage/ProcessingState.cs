
using MailGate.Core.Deliver;

namespace MailGate.Core.Storage;

/// <summary>
/// What has been decided and done for one message; rewritten atomically (<c>state.json</c>) after every
/// step, so that a restart resumes exactly where processing stopped. The decision is taken once and
/// kept: a restart never re-evaluates rules, so one email never gets two different dedup keys.
/// </summary>
public sealed record ProcessingState
{
    /// <summary>The rules version (hash) the decision was taken with.</summary>
    public string? RulesVersion { get; init; }

    /// <summary>When the rules were evaluated.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>The message's Message-ID, for the audit trail.</summary>
    public string? MessageId { get; init; }

    /// <summary>The resolved original sender, for the audit trail.</summary>
    public string? Sender { get; init; }

    /// <summary>The decoded subject, for the audit trail.</summary>
    public string? Subject { get; init; }

    /// <summary>The drop rule that ended evaluation, if any.</summary>
    public string? DroppedBy { get; init; }

    /// <summary>Matches not paged because the message was not trusted (dropped by the trust policy, or over its rate limit), with why.</summary>
    public IReadOnlyList<string> Untrusted { get; init; } = [];

    /// <summary>What was verified about the message's origin, for the audit trail.</summary>
    public string? Authentication { get; init; }

    /// <summary>The AWS account, for the audit trail.</summary>
    public string? Account { get; init; }

    /// <summary>Why the message could not be processed at all (e.g. it could not be parsed).</summary>
    public string? Error { get; init; }

    /// <summary>
    /// For a coverage probe recognised before the rules (issue #15): what it was (account, probe id, send time).
    /// Such a message is never paged and not counted as a decision; null for every other message.
    /// </summary>
    public string? Probe { get; init; }

    /// <summary>One delivery per matching rule, in rule order.</summary>
    public IReadOnlyList<DeliveryRecord> Deliveries { get; init; } = [];

    /// <summary>Whether rules have been evaluated for this message.</summary>
    public bool IsDecided => DecidedAt is not null;

    /// <summary>Whether nothing is left to do: every delivery reached a final status.</summary>
    public bool IsFinished => IsDecided && Deliveries.All(d => d.Status != DeliveryStatus.Pending);

    /// <summary>Whether any delivery failed for good (the message belongs in the dead-letter area).</summary>
    public bool HasFailures => Error is not null || Deliveries.Any(d => d.Status is DeliveryStatus.Rejected or DeliveryStatus.Expired or DeliveryStatus.RouteMissing);
}

/// <summary>One PagerDuty event owed for one matching rule.</summary>
public sealed record DeliveryRecord
{
    /// <summary>The matching rule.</summary>
    public required string Rule { get; init; }

    /// <summary>The route the rule sends to; its routing key is looked up when sending.</summary>
    public required string Route { get; init; }

    /// <summary>The event to send, complete but for the routing key (which is never stored).</summary>
    public required PagerDutyEvent Event { get; init; }

    /// <summary>Where the delivery stands.</summary>
    public DeliveryStatus Status { get; init; }

    /// <summary>How many times the event was sent to PagerDuty.</summary>
    public int Attempts { get; init; }

    /// <summary>The last failure, for operators.</summary>
    public string? LastError { get; init; }

    /// <summary>When the last attempt ended.</summary>
    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>When the delivery reached its final status.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>
    /// Whether the message did not meet the rules' trust policy (<c>trust.trusted</c>) when it was decided, even
    /// if its rule does not ask for trust (an address that pages on everything): its event then travels in the
    /// route's lane for unverified mail, so forged mail never queues in front of, or breaks the circuit of,
    /// verified pages. False when the rules have no trust policy, and for support cases.
    /// </summary>
    public bool Unverified { get; init; }

    /// <summary>Whether the event travels in the lane for unverified mail: <see cref="Unverified"/>, or an untrusted match (<c>[unverified]</c>, custom detail <c>trusted: false</c>).</summary>
    public bool TravelsUnverified() => Unverified || Event.Payload.CustomDetails?.Trusted == false;

    /// <summary>
    /// The email's key in the delivery ledger (<see cref="IDeliveryLedger"/>; one trigger per email across replicas and
    /// time), for <c>trigger</c> events; null for resolve and acknowledge events (never recorded) and for states
    /// decided before the ledger existed.
    /// </summary>
    public string? LedgerKey { get; init; }

    /// <summary>For a <see cref="DeliveryStatus.Duplicate"/>: the spool id of the copy of the same email whose trigger PagerDuty accepted.</summary>
    public string? DuplicateOf { get; init; }

    /// <summary>When an operator re-queued it from the dead-letter area (its age counts from then).</summary>
    public DateTimeOffset? RequeuedAt { get; init; }

    /// <summary>Where its age counts from: receipt (<paramref name="receivedAt"/>), or the last re-queue when later.</summary>
    public DateTimeOffset AgeOrigin(DateTimeOffset receivedAt) =>
        RequeuedAt is { } requeued && requeued > receivedAt ? requeued : receivedAt;
}

/// <summary>Where one delivery stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Not yet accepted by PagerDuty.</summary>
    Pending,

    /// <summary>PagerDuty answered 202.</summary>
    Delivered,

    /// <summary>The route had no routing key: the event was logged, not sent.</summary>
    DryRun,

    /// <summary>PagerDuty answered 400: the event is invalid and will never be accepted.</summary>
    Rejected,

    /// <summary>PagerDuty did not accept it within the maximum age.</summary>
    Expired,

    /// <summary>The route no longer exists in the rules.</summary>
    RouteMissing,

    /// <summary>
    /// Not sent: PagerDuty already accepted the trigger of another copy of the same email (the delivery ledger,
    /// <see cref="DeliveryRecord.LedgerKey"/>). Final and not a failure: the message goes to done.
    /// </summary>
    Duplicate,
}
