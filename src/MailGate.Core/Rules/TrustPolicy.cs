namespace MailGate.Core.Rules;

/// <summary>
/// The rules file's <c>trust:</c> section: what makes a message trusted (<see cref="Trusted"/>, a
/// when-style condition, usually <c>authenticated:</c> checks) and what happens when a rule marked
/// <c>trust: required</c> matches a message that is not (<see cref="Untrusted"/>).
/// </summary>
/// <param name="Trusted">The condition a trusted message meets.</param>
/// <param name="Untrusted">The treatment of untrusted matches.</param>
public sealed record TrustPolicy(ICondition Trusted, UntrustedTreatment Untrusted);

/// <summary>What happens to a match of a <c>trust: required</c> rule on an untrusted message. Never silent.</summary>
/// <param name="Action">Page anyway (marked), send to another route, or drop (logged and counted).</param>
/// <param name="Route">The route for <see cref="UntrustedAction.Route"/>.</param>
/// <param name="Severity">The severity of untrusted pages.</param>
/// <param name="SummaryPrefix">Put in front of the summary of untrusted pages.</param>
/// <param name="MaxPerSenderPerHour">At most this many untrusted pages per sender per hour; the rest are dropped (logged and counted).</param>
/// <remarks>
/// The sender is whatever the forger writes, so untrusted pages are also bounded per connecting client
/// network (<see cref="MaxPerClientNetworkPerHour"/>) and in all (<see cref="MaxPerHour"/>); a page must
/// fit all three.
/// </remarks>
public sealed record UntrustedTreatment(UntrustedAction Action, string? Route, string Severity, string SummaryPrefix, int MaxPerSenderPerHour)
{
    /// <summary>The default: page anyway at warning, marked "[unverified] ", at most 5 per sender, 10 per client network and 20 in all per hour.</summary>
    public static UntrustedTreatment Default { get; } = new(UntrustedAction.Page, null, Severities.Warning, "[unverified] ", 5);

    /// <summary>At most this many untrusted pages per hour for mail from one client network (the SMTP client's IPv4 /24 or IPv6 /64; rules file key <c>max_per_client_network_per_hour</c>).</summary>
    /// <value>10.</value>
    public int MaxPerClientNetworkPerHour { get; init; } = 10;

    /// <summary>At most this many untrusted pages per hour in all (rules file key <c>max_per_hour</c>).</summary>
    /// <value>20.</value>
    public int MaxPerHour { get; init; } = 20;
}

/// <summary>The untrusted treatment's action.</summary>
public enum UntrustedAction
{
    /// <summary>Page on the rule's route, at the untrusted severity, summary marked.</summary>
    Page,

    /// <summary>Page on the treatment's own route (e.g. a low-urgency service), summary marked.</summary>
    Route,

    /// <summary>Do not page; the decision is logged at Warning and counted.</summary>
    Drop,
}
