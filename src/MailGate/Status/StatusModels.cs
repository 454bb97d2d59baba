namespace MailGate.Status;

/// <summary>One decision in the list (<c>GET /api/v1/decisions</c>, the status page's table). Text is as stored: encode before showing.</summary>
/// <param name="Id">The spool id.</param>
/// <param name="ReceivedAt">When it was received (or the support case or Health event found).</param>
/// <param name="Source"><c>mail</c>, <c>support case</c> or <c>Health event</c>.</param>
/// <param name="State">Where it is: <c>active</c>, <c>dead</c>, <c>done</c> or <c>corrupt</c>.</param>
/// <param name="Sender">The resolved original sender; empty before the decision.</param>
/// <param name="Subject">The decoded subject.</param>
/// <param name="Account">The AWS account.</param>
/// <param name="Rules">The matching rules (or the drop rule).</param>
/// <param name="Action"><c>page</c>, <c>resolve</c>, <c>drop</c>, <c>untrusted</c>, <c>error</c> or <c>undecided</c>.</param>
/// <param name="Trusted">Whether the message met the trust policy (no delivery in the unverified lane, no untrusted match).</param>
/// <param name="Outcome">What PagerDuty made of it: <c>delivered</c>, <c>pending</c>, <c>rejected</c>, <c>expired</c>, <c>dry-run</c>, <c>duplicate</c>, <c>route-missing</c>, <c>dropped</c>, <c>failed</c>, or several joined by <c>,</c>.</param>
/// <param name="DedupKeys">The PagerDuty dedup keys of its events.</param>
/// <param name="LastError">The latest failure (PagerDuty's answer, a parse error), or null.</param>
internal sealed record DecisionSummary(
    string Id,
    DateTimeOffset ReceivedAt,
    string Source,
    string State,
    string Sender,
    string Subject,
    string Account,
    IReadOnlyList<string> Rules,
    string Action,
    bool Trusted,
    string Outcome,
    IReadOnlyList<string> DedupKeys,
    string? LastError);

/// <summary>A rule's verdict on a message, as <c>mailgate rules test</c> prints it.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Matched">Whether it matched.</param>
/// <param name="Reason">Why (or why not).</param>
internal sealed record RuleVerdict(string Rule, bool Matched, string Reason);

/// <summary>One PagerDuty event owed for a message, and how sending it went. Never the routing key.</summary>
/// <param name="Rule">The matching rule.</param>
/// <param name="Route">The route (its name; the key is looked up when sending).</param>
/// <param name="EventAction"><c>trigger</c>, <c>resolve</c> or <c>acknowledge</c>.</param>
/// <param name="DedupKey">The dedup key.</param>
/// <param name="Summary">The event's summary.</param>
/// <param name="Severity">The event's severity.</param>
/// <param name="Status">Where the delivery stands (lower case, e.g. <c>delivered</c>).</param>
/// <param name="Attempts">How many times it was sent.</param>
/// <param name="LastError">The last failure, e.g. PagerDuty's 400 message.</param>
/// <param name="LastAttemptAt">When the last attempt ended.</param>
/// <param name="CompletedAt">When it reached its final status.</param>
/// <param name="RequeuedAt">When an operator last re-queued it.</param>
/// <param name="Unverified">Whether it travels in the lane for unverified mail.</param>
internal sealed record DeliveryAttempts(
    string Rule,
    string Route,
    string EventAction,
    string DedupKey,
    string Summary,
    string Severity,
    string Status,
    int Attempts,
    string? LastError,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? RequeuedAt,
    bool Unverified);

/// <summary>A decision page (<c>GET /api/v1/decisions/{id}</c>).</summary>
/// <param name="Summary">The row of the list.</param>
/// <param name="Facts">What was recorded about the message, by name (envelope sender, recipients, client, Message-ID, authentication, rules version, decided at, …).</param>
/// <param name="Untrusted">Matches not paged because the message was not trusted, with why.</param>
/// <param name="Verdicts">Every rule's verdict with its reason, re-evaluated now with the rules in force (<paramref name="VerdictsRulesVersion"/>); empty when the content cannot be read.</param>
/// <param name="VerdictsRulesVersion">The rules version the verdicts were computed with (the decision's own is among the facts).</param>
/// <param name="VerdictsProblem">Why the verdicts could not be computed, or null.</param>
/// <param name="Deliveries">Its deliveries and their attempts.</param>
internal sealed record DecisionDetail(
    DecisionSummary Summary,
    IReadOnlyDictionary<string, string> Facts,
    IReadOnlyList<string> Untrusted,
    IReadOnlyList<RuleVerdict> Verdicts,
    string VerdictsRulesVersion,
    string? VerdictsProblem,
    IReadOnlyList<DeliveryAttempts> Deliveries);

/// <summary>A page of decisions (<c>GET /api/v1/decisions</c>).</summary>
/// <param name="Items">This page, newest first.</param>
/// <param name="Page">The page number, from 1.</param>
/// <param name="PageSize">Items per page.</param>
/// <param name="Total">Decisions matching the filter.</param>
/// <param name="Pages">Pages in all.</param>
internal sealed record DecisionPage(IReadOnlyList<DecisionSummary> Items, int Page, int PageSize, int Total, int Pages);

/// <summary>A dead letter (<c>GET /api/v1/dead</c>): the decision and why it died.</summary>
/// <param name="Decision">The decision row.</param>
/// <param name="Reason">Why it died: the processing error, or each failed delivery's status and PagerDuty's answer.</param>
internal sealed record DeadLetter(DecisionSummary Decision, string Reason);

/// <summary>The answer of <c>POST /api/v1/dead/{id}/retry</c>.</summary>
/// <param name="Id">The spool id.</param>
/// <param name="Result"><c>requeued</c>, <c>not_dead</c> or <c>failed</c>.</param>
/// <param name="Error">Why it failed, or null.</param>
internal sealed record RetryAnswer(string Id, string Result, string? Error);
