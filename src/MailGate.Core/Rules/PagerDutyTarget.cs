namespace MailGate.Core.Rules;

/// <summary>Where a route sends its events: a PagerDuty Events API v2 integration.</summary>
/// <param name="RoutingKey">The integration's routing key; null when it is a dry run.</param>
/// <param name="Severity">The default event severity: critical, error, warning or info.</param>
/// <param name="MissingVariable">The unset environment variable that made this a dry run, if any.</param>
public sealed record PagerDutyTarget(string? RoutingKey, string Severity, string? MissingVariable)
{
    /// <summary>True when there is no routing key: events are built and logged but not sent.</summary>
    public bool IsDryRun => RoutingKey is null;

    /// <summary>Describes the target without ever showing the routing key.</summary>
    public override string ToString() =>
        $"PagerDutyTarget {{ RoutingKey = {(IsDryRun ? "(none)" : "***")}, Severity = {Severity}, MissingVariable = {MissingVariable ?? "(none)"} }}";
}
