using MailGate.Core.Messages;
using System.Collections.Concurrent;

namespace MailGate.Process;

/// <summary>
/// Messages whose verification hit a temporary DNS failure: since when (monotonic), and when to try
/// again. A message is deferred until <see cref="TrustOptions.TempErrorRetryWindow"/> has passed since the
/// first failure; then it is decided with what verification found.
/// </summary>
internal sealed class VerificationDeferrals(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Deferral> _deferred = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredMessage> _held = new(StringComparer.Ordinal);

    /// <summary>
    /// Defers <paramref name="spoolId"/> by <paramref name="retryIn"/> unless <paramref name="window"/> has passed
    /// since its first deferral; <paramref name="remaining"/> is what is left of the window.
    /// </summary>
    /// <returns>True when deferred; false when the window is over (decide it now).</returns>
    public bool TryDefer(string spoolId, TimeSpan window, TimeSpan retryIn, out TimeSpan remaining)
    {
        var now = time.GetTimestamp();
        var deferral = _deferred.GetOrAdd(spoolId, _ => new Deferral(now, now));
        var waited = time.GetElapsedTime(deferral.Since, now);
        remaining = window - waited;
        if (waited >= window)
        {
            return false;
        }

        _deferred[spoolId] = deferral with { RetryAt = now + (long)(retryIn.TotalSeconds * time.TimestampFrequency) };
        return true;
    }

    /// <summary>Whether <paramref name="spoolId"/> is deferred and not due at <paramref name="now"/> (a <see cref="TimeProvider.GetTimestamp"/> value).</summary>
    public bool IsWaiting(string spoolId, long now) => _deferred.TryGetValue(spoolId, out var deferral) && now < deferral.RetryAt;

    /// <summary>Keeps <paramref name="message"/>'s claim while it is deferred (<see cref="Held"/>: <see cref="LeaseKeeper"/> renews it).</summary>
    public void Hold(StoredMessage message) => _held[message.Id] = message;

    /// <summary>The deferred messages this gateway holds a claim on (a snapshot).</summary>
    public IReadOnlyCollection<StoredMessage> Held => [.. _held.Values];

    /// <summary>Forgets <paramref name="spoolId"/>: it was decided (or its claim was lost).</summary>
    public void Forget(string spoolId)
    {
        _deferred.TryRemove(spoolId, out _);
        _held.TryRemove(spoolId, out _);
    }

    /// <summary>Forgets deferred messages no longer in <paramref name="active"/> (finished, or removed by hand).</summary>
    public void KeepOnly(IEnumerable<string> active)
    {
        foreach (var gone in _deferred.Keys.Except(active, StringComparer.Ordinal).ToArray())
        {
            Forget(gone);
        }

        foreach (var gone in _held.Keys.Except(active, StringComparer.Ordinal).ToArray())
        {
            _held.TryRemove(gone, out _);
        }
    }

    /// <summary>A deferred verification: the first temporary failure and when to try again (<see cref="TimeProvider.GetTimestamp"/> values).</summary>
    private sealed record Deferral(long Since, long RetryAt);
}
