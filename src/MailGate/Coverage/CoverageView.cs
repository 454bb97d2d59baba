using MailGate.Core.Coverage;
using MailGate.Core.Storage;
using MailGate.Observability;
using Microsoft.Extensions.Options;

namespace MailGate.Coverage;

/// <summary>
/// Reads coverage's state from the storage as <see cref="CoverageOverview"/> (for <c>GET /coverage</c>, the status
/// page and the metrics), with this replica's own arrivals not yet flushed merged in, and keeps the newest read
/// (<see cref="Current"/>) for the metrics, which must not touch the storage when scraped.
/// </summary>
internal sealed class CoverageView(IPollerCursors storage, MailArrivals arrivals, IOptions<CoverageOptions> options, TimeProvider time)
{
    private volatile CoverageOverview? _current;

    /// <summary>The newest overview read (<see cref="Read"/>), or null before the first.</summary>
    public CoverageOverview? Current => _current;

    /// <summary>Reads the overview now (and keeps it as <see cref="Current"/>).</summary>
    /// <exception cref="IOException">The storage cannot be read (the file spool).</exception>
    /// <exception cref="UnauthorizedAccessException">The file spool may not be read.</exception>
    public CoverageOverview Read()
    {
        var settings = options.Value;
        var overview = Merge(Read(storage, time.GetUtcNow(), settings.Deadline, settings.EffectiveSilenceAlarm), arrivals);
        _current = overview;
        return overview;
    }

    /// <summary>Reads the overview from <paramref name="storage"/> (also for <c>mailgate coverage</c>, which has no running gateway).</summary>
    /// <exception cref="IOException">The storage cannot be read (the file spool).</exception>
    public static CoverageOverview Read(IPollerCursors storage, DateTimeOffset now, TimeSpan deadline, TimeSpan? silenceAlarm)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var coverage = storage.Cursors(CoverageDocuments.Store);
        var silence = storage.Cursors(MailSilence.Store);
        return CoverageOverviews.Build(coverage.Keys(), coverage.Read, silence.Keys(), silence.Read, now, deadline, silenceAlarm);
    }

    /// <summary><paramref name="overview"/> with this replica's arrivals, newer than the stored ones, in their place.</summary>
    private static CoverageOverview Merge(CoverageOverview overview, MailArrivals arrivals)
    {
        var local = arrivals.Groups();
        if (arrivals.Last is not { } last || (overview.Silence.LastReceivedAt >= last && local.Count == 0))
        {
            return overview;
        }

        var groups = overview.Silence.Groups.ToDictionary(g => g.ListId, g => g.LastReceivedAt, StringComparer.OrdinalIgnoreCase);
        foreach (var (id, at) in local)
        {
            if (groups.TryGetValue(id, out var stored))
            {
                groups[id] = stored > at ? stored : at;
            }
            else if (groups.Count < MailSilence.MaxGroups)
            {
                groups[id] = at; // never more than the store keeps: the metrics' list_id labels stay bounded
            }
        }

        var now = overview.GeneratedAt;
        var silence = overview.Silence with
        {
            LastReceivedAt = overview.Silence.LastReceivedAt > last ? overview.Silence.LastReceivedAt : last,
            Groups = [.. groups
                .Select(g => new GroupSilence(g.Key, g.Value, Math.Max(0, (now - g.Value).TotalSeconds)))
                .OrderBy(g => g.LastReceivedAt)
                .ThenBy(g => g.ListId, StringComparer.Ordinal)],
        };
        return overview with { Silence = silence };
    }
}
