using System.Diagnostics.Metrics;
using MailGate.Observability;

namespace MailGate.Spool;

/// <summary>The spool's gauges, read when scraped: <c>mailgate.spool.messages</c> and <c>mailgate.spool.oldest_undelivered.age</c>.</summary>
internal sealed class SpoolMetrics(SpoolStore spool, TimeProvider time) : IMetricsSource
{
    /// <inheritdoc/>
    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        meter.CreateObservableGauge("mailgate.spool.messages", SpoolDepth, "{message}", "Messages in the spool by area");
        meter.CreateObservableGauge("mailgate.spool.oldest_undelivered.age", OldestActiveAge, "s", "Age of the oldest message not yet finished");
    }

    /// <summary>
    /// The entries of each area, whatever they are (corrupt/ holds links, files and FIFOs set aside too),
    /// dot-names (the readiness probe, an NFS silly-rename) left out; an area that cannot be listed is left
    /// out of the scrape rather than hiding the others.
    /// </summary>
    private List<Measurement<int>> SpoolDepth()
    {
        var measurements = new List<Measurement<int>>();
        foreach (var area in new[] { SpoolArea.Active, SpoolArea.Done, SpoolArea.Dead, SpoolArea.Corrupt })
        {
            try
            {
                var count = Directory.EnumerateFileSystemEntries(spool.PathOf(area)).Count(path => !Path.GetFileName(path).StartsWith('.'));
                measurements.Add(new Measurement<int>(count, new KeyValuePair<string, object?>("area", area.ToString().ToLowerInvariant())));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Missing or unreadable: /readyz says so.
            }
        }

        return measurements;
    }

    private double OldestActiveAge()
    {
        // Spool ids begin with the arrival time, so the oldest is the smallest name: no file is read.
        var oldest = Directory.EnumerateDirectories(spool.PathOf(SpoolArea.Active))
            .Select(Path.GetFileName)
            .Where(id => id is not null && SpoolIds.IsValid(id))
            .Min(StringComparer.Ordinal);
        return oldest is null ? 0 : Math.Max(0, (time.GetUtcNow() - SpoolIds.ReceivedAt(oldest)).TotalSeconds);
    }
}
