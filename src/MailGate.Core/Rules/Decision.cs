namespace MailGate.Core.Rules;

/// <summary>The outcome of evaluating a rule set against one message.</summary>
/// <param name="Matches">The routing matches in rule order; empty when nothing pages.</param>
/// <param name="DroppedBy">The drop rule that stopped evaluation, if one did.</param>
/// <param name="Trace">One entry per rule when evaluated with explain; empty otherwise.</param>
/// <param name="UntrustedDrops">Rules that matched but were not acted on because the message is not trusted and the untrusted treatment is drop.</param>
/// <param name="EvaluationErrors">What went wrong while evaluating, rule by rule (see <see cref="Errors"/>).</param>
public sealed record Decision(
    IReadOnlyList<RuleMatch> Matches,
    string? DroppedBy,
    IReadOnlyList<RuleTrace> Trace,
    IReadOnlyList<string>? UntrustedDrops = null,
    IReadOnlyList<EvaluationError>? EvaluationErrors = null)
{
    /// <summary>Rules whose match on an untrusted message was dropped by the trust policy (never empty-handed silence: log and count them).</summary>
    public IReadOnlyList<string> DroppedUntrusted => UntrustedDrops ?? [];

    /// <summary>
    /// Rules that could not be evaluated completely (a regex timed out), in rule order. A rule whose
    /// condition could not be decided counts as not matched and evaluation goes on with the next rule;
    /// an extract that timed out leaves its value empty. Log and count every one.
    /// </summary>
    public IReadOnlyList<EvaluationError> Errors => EvaluationErrors ?? [];

    /// <summary>True when nothing is sent: a drop rule matched first, or no rule matched.</summary>
    public bool IsDropped => Matches.Count == 0;

    /// <summary>
    /// True when nothing pages although a page rule failed (<see cref="EvaluationError.PageRule"/>): the
    /// failure may be what kept the page from going out, so the message must not be dropped as decided
    /// but kept for a person (the gateway dead-letters it; <c>mailgate spool retry</c> decides it again).
    /// </summary>
    public bool Undecided => Matches.Count == 0 && Errors.Any(e => e.PageRule);

    /// <summary>The errors in one line, e.g. for a dead letter's reason: <c>rule 'x': when: subject regex '…' timed out after 100 ms</c>.</summary>
    public string ErrorSummary => string.Join("; ", Errors.Select(e => $"rule '{e.Rule}': {e.Detail}"));
}
