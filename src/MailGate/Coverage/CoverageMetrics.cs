using System.Diagnostics.Metrics;
using MailGate.Core.Coverage;
using MailGate.Observability;

namespace MailGate.Coverage;

/// <summary>
/// Coverage's instruments (issue #15): <c>mailgate.coverage.accounts{state}</c>, <c>mailgate.coverage.relay_alert_open</c>,
/// <c>mailgate.coverage.last_arrival_timestamp{account}</c>, <c>mailgate.coverage.group_last_mail_timestamp{list_id}</c>
/// and <c>mailgate.last_mail_received_timestamp</c> (read when scraped, from <see cref="CoverageView.Current"/>, refreshed
/// every minute, and this replica's own arrivals), and the histogram <c>mailgate.coverage.probe_latency</c>, which
/// the receiver of a valid probe records through <see cref="ProbeArrived"/>.
/// </summary>
internal sealed class CoverageMetrics(CoverageView view, MailArrivals arrivals) : IMetricsSource
{
    private static readonly double[] LatencyBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200, 86400];

    private Histogram<double>? _latency;

    /// <inheritdoc/>
    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _latency = meter.CreateHistogram(
            "mailgate.coverage.probe_latency",
            "s",
            "From a coverage probe's send time to its arrival here (valid probes only)",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        meter.CreateObservableGauge("mailgate.coverage.accounts", Accounts, "{account}", "Accounts per coverage state (ok, missing, send_failed, pending), from the stored documents");
        meter.CreateObservableGauge("mailgate.coverage.last_arrival_timestamp", LastArrivals, "s", "Unix time of the newest valid probe that arrived, per account");
        meter.CreateObservableGauge("mailgate.coverage.group_last_mail_timestamp", Groups, "s", "Unix time of the newest mail accepted over SMTP per List-Id (per-group silence)");
        meter.CreateObservableGauge("mailgate.last_mail_received_timestamp", LastMail, "s", "Unix time of the newest mail accepted over SMTP by any replica (absent until one is recorded)");
        meter.CreateObservableGauge("mailgate.coverage.relay_alert_open", RelayAlertOpen, "{alert}", "1 while the one relay alert (send_failed for all accounts, dedup key mailgate-coverage-relay) is open, else 0");
    }

    /// <summary>Records a valid probe's latency (its arrival − its token's send time); call once per probe recognised.</summary>
    public void ProbeArrived(TimeSpan latency) => _latency?.Record(Math.Max(0, latency.TotalSeconds));

    private IEnumerable<Measurement<int>> Accounts() =>
        view.Current is { } current
            ? current.Counts().Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>("state", c.Key)))
            : [];

    private IEnumerable<Measurement<double>> LastArrivals() =>
        (view.Current?.Accounts ?? [])
            .Where(a => a.LastArrivalAt is not null)
            .Select(a => new Measurement<double>(a.LastArrivalAt!.Value.ToUnixTimeMilliseconds() / 1000.0, new KeyValuePair<string, object?>("account", a.AccountId)));

    private IEnumerable<Measurement<double>> Groups() =>
        (view.Current?.Silence.Groups ?? [])
            .Select(g => new Measurement<double>(g.LastReceivedAt.ToUnixTimeMilliseconds() / 1000.0, new KeyValuePair<string, object?>("list_id", g.ListId)));

    private IEnumerable<Measurement<int>> RelayAlertOpen() =>
        view.Current is { } current ? [new Measurement<int>(current.RelayAlertOpenSince is null ? 0 : 1)] : [];

    private IEnumerable<Measurement<double>> LastMail()
    {
        var stored = view.Current?.Silence.LastReceivedAt;
        var local = arrivals.Last;
        var last = stored > local || local is null ? stored : local;
        return last is { } at ? [new Measurement<double>(at.ToUnixTimeMilliseconds() / 1000.0)] : [];
    }
}
