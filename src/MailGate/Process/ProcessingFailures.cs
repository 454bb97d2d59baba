using System.Collections.Concurrent;

namespace MailGate.Process;

/// <summary>
/// Counts, per message, the unexpected failures in a row while deciding it (a bug, a file that cannot
/// be read): a message that fails <see cref="Limit"/> times is dead-lettered with the reason instead of
/// being taken up again at every scan, forever, with an Error and a stack trace each time. In memory:
/// a restart gives every message a fresh count.
/// </summary>
internal sealed class ProcessingFailures
{
    /// <summary>Failures in a row after which a message is dead-lettered (with scans every 10 s, about a minute).</summary>
    public const int Limit = 5;

    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Records one more failure of <paramref name="spoolId"/>; returns how many in a row it has had.</summary>
    public int Failed(string spoolId) => _counts.AddOrUpdate(spoolId, 1, (_, count) => count + 1);

    /// <summary>Forgets <paramref name="spoolId"/>'s failures: it was decided, or set aside for a person.</summary>
    public void Forget(string spoolId) => _counts.TryRemove(spoolId, out _);
}
