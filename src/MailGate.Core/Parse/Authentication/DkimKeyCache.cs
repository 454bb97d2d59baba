using System.Collections.Concurrent;

namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// The DKIM key cache behind <see cref="DnsDkimPublicKeyLocator"/>: answers and failures by key name, expiring
/// on the monotonic clock, bounded by <see cref="DnsDkimPublicKeyLocatorOptions.MaxCacheEntries"/>; held and
/// pinned names are never evicted, and a pinned key is served stale (RFC 8767) within
/// <see cref="DnsDkimPublicKeyLocatorOptions.PinnedStaleLimit"/>.
/// </summary>
internal sealed class DkimKeyCache(TimeProvider timeProvider, DnsDkimPublicKeyLocatorOptions options)
{
    private readonly ConcurrentDictionary<string, DkimKeyCacheEntry> _cache = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _evicting = new();

    /// <summary>The names held for messages being verified.</summary>
    public DkimKeyHolds Holds { get; } = new();

    /// <summary>The names pinned because they verified trusted mail.</summary>
    public DkimKeyPins Pins { get; } = new(timeProvider, options.MaxPinned);

    /// <summary>How many names are cached (answers and failures, expired ones included until dropped).</summary>
    public int Count => _cache.Count;

    /// <summary>The entry for <paramref name="name"/> if it has not expired.</summary>
    public DkimKeyCacheEntry? Fresh(string name) =>
        _cache.TryGetValue(name, out var entry) && entry.Expires > timeProvider.GetTimestamp() ? entry : null;

    /// <summary>The entry an offline lookup may answer with: fresh, held for a message, or a pinned key within its stale limit.</summary>
    public DkimKeyCacheEntry? Usable(string name)
    {
        if (!_cache.TryGetValue(name, out var entry))
        {
            return null;
        }

        var now = timeProvider.GetTimestamp();
        return entry.Expires > now || Holds.IsHeld(name) || ServedStale(name, entry, now) ? entry : null;
    }

    /// <summary>Pinned names whose answer is missing or expires within <paramref name="margin"/> (monotonic clock).</summary>
    public IReadOnlyList<string> PinnedDueForRefresh(TimeSpan margin)
    {
        var soon = DkimKeyCacheEntry.ExpiresAfter(timeProvider, margin);
        return Pins.Names.Where(name => !_cache.TryGetValue(name, out var entry) || entry.Expires <= soon).ToArray();
    }

    /// <summary>
    /// Caches what a lookup of <paramref name="name"/> found and returns what is now cached for it: a temporary
    /// failure does not replace a key still valid (or a pinned one within its stale limit).
    /// </summary>
    public DkimKeyCacheEntry Remember(string name, DkimKeyCacheEntry entry)
    {
        var now = timeProvider.GetTimestamp();
        if (entry.IsTemporary && _cache.TryGetValue(name, out var known) && known.Key is not null
            && (known.Expires > now || ServedStale(name, known, now)))
        {
            // Serve-stale (RFC 8767): DNS failing for a moment does not take away a key that is still valid, or
            // a pinned one within its stale limit. A refresh that finds the key gone (NXDOMAIN, revoked) replaces it.
            return known;
        }

        if (_cache.Count >= options.MaxCacheEntries)
        {
            Evict(now);
        }

        if (entry is { Key: null, IsTemporary: false })
        {
            Pins.Unpin(name); // gone or revoked: nothing left to keep fresh
        }

        // Kept even when already expired (a TTL of 0): a message holding the name uses it once.
        _cache[name] = entry;
        return entry;
    }

    /// <summary>Whether <paramref name="entry"/>, expired, is a pinned key still within <see cref="DnsDkimPublicKeyLocatorOptions.PinnedStaleLimit"/>.</summary>
    private bool ServedStale(string name, DkimKeyCacheEntry entry, long now) =>
        entry.Key is not null && Pins.IsPinned(name)
        && timeProvider.GetElapsedTime(entry.Expires, now) < options.PinnedStaleLimit;

    /// <summary>
    /// Makes room: selectors come from hostile headers, so first what expired goes, then failures (a flood of
    /// made-up selectors is all failures), then the keys that expire soonest, down to nine tenths of the cap.
    /// Held and pinned names stay.
    /// </summary>
    private void Evict(long now)
    {
        lock (_evicting)
        {
            var target = options.MaxCacheEntries - Math.Max(1, options.MaxCacheEntries / 10);
            var candidates = _cache.Where(e => !Holds.IsHeld(e.Key) && !Pins.IsPinned(e.Key))
                .OrderBy(e => e.Value.Expires > now ? 1 : 0)
                .ThenBy(e => e.Value.Key is null ? 0 : 1)
                .ThenBy(e => e.Value.Expires)
                .Select(e => e.Key)
                .ToArray();
            foreach (var name in candidates)
            {
                if (_cache.Count <= target)
                {
                    break;
                }

                _cache.TryRemove(name, out _);
            }
        }
    }
}
