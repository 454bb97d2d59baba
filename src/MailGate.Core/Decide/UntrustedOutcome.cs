namespace MailGate.Core.Decide;

/// <summary>
/// A match of an untrusted message that was not paged: dropped by the trust policy
/// (<c>trust.untrusted.action: drop</c>) or over one of the untrusted limits. Never silent: the caller
/// logs it at Warning and counts it (<c>mailgate_rules_untrusted_total{outcome}</c>).
/// </summary>
/// <param name="Rule">The rule that matched.</param>
/// <param name="Verdict">Why it was not paged: <see cref="UntrustedVerdict.Allowed"/> means dropped by the trust policy, any other verdict names the limit.</param>
/// <param name="Limit">The limit it is over, for people (e.g. <c>x@amazon.com is over trust.untrusted.max_per_sender_per_hour</c>); null when dropped by the policy.</param>
/// <param name="Audit">The line kept in <see cref="Spool.ProcessingState.Untrusted"/>.</param>
public sealed record UntrustedOutcome(string Rule, UntrustedVerdict Verdict, string? Limit, string Audit)
{
    /// <summary>Whether the trust policy dropped it (rather than a limit).</summary>
    public bool DroppedByPolicy => Verdict == UntrustedVerdict.Allowed;

    /// <summary>The <c>outcome</c> label of <c>mailgate_rules_untrusted_total</c>: <c>dropped</c>, <c>rate_limited</c>, <c>rate_limited_client</c> or <c>rate_limited_global</c>.</summary>
    public string Outcome => Verdict switch
    {
        UntrustedVerdict.Allowed => "dropped",
        UntrustedVerdict.SenderLimited => "rate_limited",
        UntrustedVerdict.ClientNetworkLimited => "rate_limited_client",
        _ => "rate_limited_global",
    };
}
