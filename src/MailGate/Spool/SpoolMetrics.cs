using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Diagnostics.Metrics;
using MailGate.Observability;

namespace MailGate.Spool;

/// <summary>The storage's gauges, read when scraped: <c>mailgate.spool.messages</c> and <c>mailgate.spool.oldest_undelivered.age</c>.</summary>
internal sealed class SpoolMetrics(IStorageHealth spool, TimeProvider time) : IMetricsSource
{
    /// <inheritdoc/>
    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        meter.CreateObservableGauge("mailgate.spool.messages", SpoolDepth, "{message}", "Messages in the spool by area");
        meter.CreateObservableGauge("mailgate.spool.oldest_undelivered.age", OldestActiveAge, "s", "Age of the oldest message not yet finished");
    }

    /// <summary>The entries of each area, damaged ones included; an area that cannot be counted is left out of the scrape rather than hiding the others.</summary>
    private List<Measurement<int>> SpoolDepth() =>
        [.. new[] { SpoolArea.Active, SpoolArea.Done, SpoolArea.Dead, SpoolArea.Corrupt }
            .Select(area => (Area: area, Count: spool.Count(area)))
            .Where(a => a.Count is not null)
            .Select(a => new Measurement<int>(a.Count!.Value, new KeyValuePair<string, object?>("area", a.Area.ToString().ToLowerInvariant())))];

    private double OldestActiveAge() =>
        spool.OldestUnfinished() is { } oldest ? Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds) : 0;
}
