namespace MailGate.Core.Rules;

/// <summary>How <see cref="RulesLoader"/> resolves the outside world while loading a rules file.</summary>
public sealed record RulesLoadOptions
{
    /// <summary>Reads <c>${NAME}</c> references in routing keys.</summary>
    /// <value>Defaults to the process environment.</value>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>
    /// Whether a routing key naming an unset variable is accepted (the route becomes a dry run and
    /// records <see cref="PagerDutyTarget.MissingVariable"/>) instead of failing the load.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool AllowMissingRoutingKeys { get; init; }

    /// <summary>
    /// How long one regex match of the rules (conditions and extracts) may run before it counts as failed:
    /// the rule is reported as an error, never as "no match".
    /// </summary>
    /// <value>Defaults to 100 ms.</value>
    public TimeSpan RegexMatchTimeout { get; init; } = RegexFactory.MatchTimeout;
}
