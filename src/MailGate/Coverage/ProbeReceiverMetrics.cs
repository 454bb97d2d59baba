using System.Diagnostics.Metrics;
using MailGate.Observability;

namespace MailGate.Coverage;

/// <summary>The coverage receiver's counter: <c>mailgate.coverage.probes_received</c> (<c>mailgate_coverage_probes_received_total{result}</c>).</summary>
internal sealed class ProbeReceiverMetrics : IMetricsSource
{
    private Counter<long>? _received;

    /// <inheritdoc/>
    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _received = meter.CreateCounter<long>("mailgate.coverage.probes_received", "{message}", "Mail carrying a coverage probe token, by result: valid (recorded, never paged), forged, expired, replayed (ordinary mail: the rules decide)");
    }

    /// <summary>Counts one message carrying a probe token, with its <paramref name="result"/> label.</summary>
    public void Received(string result) => _received?.Add(1, new KeyValuePair<string, object?>("result", result));
}
