using MailGate.Rules;

namespace MailGate.Process;

/// <summary>
/// At most <see cref="UntrustedTreatment.MaxPerSenderPerHour"/> untrusted pages per sender in any hour
/// (a sliding window): a flood of forged "Abuse Reports" from one address pages a few times, marked
/// "[unverified]", and is then only logged and counted.
/// </summary>
internal sealed class UntrustedLimiter(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _pages = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    /// <summary>Whether one more untrusted page from <paramref name="sender"/> is allowed now (and counts it if so).</summary>
    public bool TryAcquire(string sender, int maxPerHour)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_pages.TryGetValue(sender, out var times))
            {
                _pages[sender] = times = new Queue<DateTimeOffset>();
            }

            while (times.Count > 0 && now - times.Peek() >= Window)
            {
                times.Dequeue();
            }

            if (times.Count >= maxPerHour)
            {
                return false;
            }

            times.Enqueue(now);
            if (_pages.Count > 10_000)
            {
                // Bound the memory a flood of distinct forged senders can take: forget idle ones.
                foreach (var idle in _pages.Where(p => p.Value.Count == 0 || now - p.Value.Last() >= Window).Select(p => p.Key).ToArray())
                {
                    _pages.Remove(idle);
                }
            }

            return true;
        }
    }
}
