namespace MailGate.Rules;

/// <summary>The outcome of evaluating a rule set against one message.</summary>
/// <param name="Matches">The routing matches in rule order; empty when nothing pages.</param>
/// <param name="DroppedBy">The drop rule that stopped evaluation, if one did.</param>
/// <param name="Trace">One entry per rule when evaluated with explain; empty otherwise.</param>
public sealed record Decision(IReadOnlyList<RuleMatch> Matches, string? DroppedBy, IReadOnlyList<RuleTrace> Trace)
{
    /// <summary>True when nothing is sent: a drop rule matched first, or no rule matched.</summary>
    public bool IsDropped => Matches.Count == 0;
}
