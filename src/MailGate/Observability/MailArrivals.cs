using System.Collections.Concurrent;

namespace MailGate.Observability;

/// <summary>
/// When this replica last accepted mail over SMTP (any mail, probes included), overall and per List-Id: the
/// receiver records each 250 here, and the coverage silence watch persists and reads it (issue #15). In memory
/// only; at most <see cref="MaxGroups"/> List-Ids are kept (newer ones beyond that are counted overall only).
/// </summary>
public sealed class MailArrivals
{
    /// <summary>The most List-Ids kept.</summary>
    public const int MaxGroups = MailGate.Core.Coverage.MailSilence.MaxGroups;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();
    private DateTimeOffset? _last;
    private long _version;

    /// <summary>The newest arrival recorded, or null when none was since start.</summary>
    public DateTimeOffset? Last
    {
        get
        {
            lock (_lock)
            {
                return _last;
            }
        }
    }

    /// <summary>Grows by one with every recorded arrival (to tell whether anything is new since a flush).</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Records mail accepted at <paramref name="at"/> carrying <paramref name="listIds"/>.</summary>
    public void Received(DateTimeOffset at, IReadOnlyList<string> listIds)
    {
        ArgumentNullException.ThrowIfNull(listIds);
        lock (_lock)
        {
            _last = _last is { } last && last > at ? last : at;
        }

        foreach (var id in listIds)
        {
            if (_groups.ContainsKey(id) || _groups.Count < MaxGroups)
            {
                _groups.AddOrUpdate(id, at, (_, before) => before > at ? before : at);
            }
        }

        Interlocked.Increment(ref _version);
    }

    /// <summary>Each List-Id seen since start and when its newest mail arrived.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Groups() => new Dictionary<string, DateTimeOffset>(_groups, StringComparer.OrdinalIgnoreCase);
}
