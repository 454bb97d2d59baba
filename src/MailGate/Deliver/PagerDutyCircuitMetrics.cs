using MailGate.Core.Deliver;
using System.Diagnostics.Metrics;
using MailGate.Observability;

namespace MailGate.Deliver;

/// <summary>The PagerDuty circuit breaker's instruments: <c>mailgate.pagerduty.circuit.opened</c> (each opening) and <c>mailgate.pagerduty.circuit.open</c> (its state, read when scraped).</summary>
internal sealed class PagerDutyCircuitMetrics(PagerDutyCircuit circuit) : IMetricsSource
{
    /// <inheritdoc/>
    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        var opened = meter.CreateCounter<long>("mailgate.pagerduty.circuit.opened", "{event}", "Times the PagerDuty circuit breaker opened");
        circuit.Opened += (_, _) => opened.Add(1);
        meter.CreateObservableGauge("mailgate.pagerduty.circuit.open", () => circuit.IsOpen ? 1 : 0, unit: null, "1 while the PagerDuty circuit breaker refuses to send");
    }
}
