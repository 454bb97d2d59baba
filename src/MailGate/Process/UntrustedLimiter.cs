using MailGate.Core.Decide;
using MailGate.Core.Rules;
using MailGate.Rules;

namespace MailGate.Process;

/// <summary>
/// Bounds untrusted pages in any hour (a sliding window) three ways at once: per sender
/// (<see cref="UntrustedTreatment.MaxPerSenderPerHour"/>), per connecting client network
/// (<see cref="UntrustedTreatment.MaxPerClientNetworkPerHour"/>, see <see cref="ClientNetwork"/>) and in all
/// (<see cref="UntrustedTreatment.MaxPerHour"/>). The sender is what a forger writes, so a flood of forged
/// "Abuse Reports" from made-up senders is cut off by the other two. A page counts against all three
/// only when it fits all three. Windows are measured on the monotonic clock: a wall-clock step neither
/// frees nor blocks pages. One process only: with <c>Spool:Backend: postgres</c> the replicas share
/// <c>PostgresUntrustedLimiter</c> instead.
/// </summary>
internal sealed class UntrustedLimiter(TimeProvider time) : IUntrustedLimiter
{
    private const int MaxKeys = 10_000;
    private static readonly TimeSpan Span = TimeSpan.FromHours(1);

    private readonly Dictionary<string, Queue<long>> _senders = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<long>> _networks = new(StringComparer.Ordinal);
    private readonly Queue<long> _all = new();
    private readonly Lock _lock = new();

    /// <inheritdoc/>
    public UntrustedVerdict TryAcquire(string sender, string? clientAddress, UntrustedTreatment limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var now = time.GetTimestamp();
        var network = ClientNetwork.Of(clientAddress);
        lock (_lock)
        {
            var bySender = Window(_senders, sender, now);
            var byNetwork = Window(_networks, network, now);
            Expire(_all, now);
            var verdict = UntrustedCounts.Verdict(bySender.Count, byNetwork.Count, _all.Count, limits);
            if (verdict == UntrustedVerdict.Allowed)
            {
                bySender.Enqueue(now);
                byNetwork.Enqueue(now);
                _all.Enqueue(now);
            }

            Forget(_senders, now);
            Forget(_networks, now);
            return verdict;
        }
    }

    private Queue<long> Window(Dictionary<string, Queue<long>> windows, string key, long now)
    {
        if (!windows.TryGetValue(key, out var times))
        {
            windows[key] = times = new Queue<long>();
        }

        Expire(times, now);
        return times;
    }

    private void Expire(Queue<long> times, long now)
    {
        while (times.Count > 0 && Elapsed(times.Peek(), now) >= Span)
        {
            times.Dequeue();
        }
    }

    /// <summary>Bounds the memory a flood of distinct forged senders (or networks) can take: forgets idle ones.</summary>
    private void Forget(Dictionary<string, Queue<long>> windows, long now)
    {
        if (windows.Count <= MaxKeys)
        {
            return;
        }

        foreach (var idle in windows.Where(w => w.Value.Count == 0 || Elapsed(w.Value.Last(), now) >= Span).Select(w => w.Key).ToArray())
        {
            windows.Remove(idle);
        }
    }

    private TimeSpan Elapsed(long from, long to) => time.GetElapsedTime(from, to);
}
