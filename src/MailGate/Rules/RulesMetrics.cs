using MailGate.Core.Rules;
using System.Diagnostics.Metrics;
using MailGate.Observability;

namespace MailGate.Rules;

/// <summary>The rules file's instruments: <c>mailgate.rules.reloads</c> (each reload, by result) and <c>mailgate.rules.info</c> (the version in force, read when scraped).</summary>
internal sealed class RulesMetrics(RulesProvider rules) : IMetricsSource
{
    /// <inheritdoc/>
    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        var reloads = meter.CreateCounter<long>("mailgate.rules.reloads", "{reload}", "Rules file reloads by result");
        rules.Reloaded += (_, succeeded) => reloads.Add(1, new KeyValuePair<string, object?>("result", succeeded ? "success" : "failure"));
        meter.CreateObservableGauge(
            "mailgate.rules.info",
            () => new Measurement<int>(1, new KeyValuePair<string, object?>("version", rules.Current.Version), new KeyValuePair<string, object?>("reload_failed", rules.LastReloadFailed ? "true" : "false")),
            unit: null,
            "The rules version in force (1, labelled with its version)");
    }
}
