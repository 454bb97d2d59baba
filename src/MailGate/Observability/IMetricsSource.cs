using System.Diagnostics.Metrics;

namespace MailGate.Observability;

/// <summary>
/// A feature's own instruments on the gateway's meter: those read when <c>/metrics</c> is scraped
/// (observable gauges over the feature's state) and those that follow the feature's events. Each feature
/// registers its source in its <c>Add…</c> (as <c>IMetricsSource</c>), so that metrics know no feature;
/// <see cref="MailGateMetrics"/> calls <see cref="Register"/> once, when it is created.
/// </summary>
internal interface IMetricsSource
{
    /// <summary>Creates the feature's instruments on <paramref name="meter"/> (named <see cref="MailGateMetrics.MeterName"/>).</summary>
    void Register(Meter meter);
}
