using System.Diagnostics.Metrics;
using MailGate.Observability;

namespace MailGate.Poll;

/// <summary>The support poller's gauges, read when scraped: <c>mailgate.support.last_success</c> and <c>mailgate.support.accounts</c>.</summary>
internal sealed class SupportCaseMetrics(SupportCasePollStatus status) : IMetricsSource
{
    /// <inheritdoc/>
    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        meter.CreateObservableGauge("mailgate.support.last_success", LastSuccess, "s", "Unix time of each account's last successful Support poll (0: none yet)");
        meter.CreateObservableGauge("mailgate.support.accounts", AccountStates, "{account}", "Polled accounts by state");
    }

    private IEnumerable<Measurement<double>> LastSuccess() =>
        status.Accounts.Select(a => new Measurement<double>(
            a.LastSuccess?.ToUnixTimeMilliseconds() / 1000.0 ?? 0,
            new KeyValuePair<string, object?>("account", a.AccountId)));

    private IEnumerable<Measurement<int>> AccountStates() =>
        status.Accounts.GroupBy(a => a.State, StringComparer.Ordinal).Select(g => new Measurement<int>(
            g.Count(),
            new KeyValuePair<string, object?>("state", g.Key)));
}
