namespace MailGate.Rules;

/// <summary>The outcome of evaluating a rule set against one message.</summary>
/// <param name="Matches">The routing matches in rule order; empty when nothing pages.</param>
/// <param name="DroppedBy">The drop rule that stopped evaluation, if one did.</param>
/// <param name="Trace">One entry per rule when evaluated with explain; empty otherwise.</param>
/// <param name="UntrustedDrops">Rules that matched but were not acted on because the message is not trusted and the untrusted treatment is drop.</param>
public sealed record Decision(IReadOnlyList<RuleMatch> Matches, string? DroppedBy, IReadOnlyList<RuleTrace> Trace, IReadOnlyList<string>? UntrustedDrops = null)
{
    /// <summary>Rules whose match on an untrusted message was dropped by the trust policy (never empty-handed silence: log and count them).</summary>
    public IReadOnlyList<string> DroppedUntrusted => UntrustedDrops ?? [];

    /// <summary>True when nothing is sent: a drop rule matched first, or no rule matched.</summary>
    public bool IsDropped => Matches.Count == 0;
}
