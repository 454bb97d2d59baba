using System.Collections.Concurrent;

namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// The key names pinned because they verified trusted mail (<see cref="DnsDkimPublicKeyLocator.Pin"/>), each
/// with when it was last pinned (monotonic); at most a fixed number, the least recently pinned go first.
/// </summary>
internal sealed class DkimKeyPins(TimeProvider timeProvider, int maxPinned)
{
    private readonly ConcurrentDictionary<string, long> _pinned = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The pinned names, in no order.</summary>
    public ICollection<string> Names => _pinned.Keys;

    /// <summary>The pinned names, most recently pinned first.</summary>
    public IReadOnlyList<string> ByRecency => [.. _pinned.OrderByDescending(p => p.Value).Select(p => p.Key)];

    /// <summary>Pins <paramref name="names"/> now, then drops the least recently pinned past the cap.</summary>
    public void Pin(IEnumerable<string> names)
    {
        var now = timeProvider.GetTimestamp();
        foreach (var name in names)
        {
            _pinned[name.ToLowerInvariant()] = now;
        }

        while (_pinned.Count > maxPinned && _pinned.MinBy(p => p.Value) is { Key: { } oldest } entry)
        {
            _pinned.TryRemove(entry);
        }
    }

    /// <summary>Whether <paramref name="name"/> is pinned.</summary>
    public bool IsPinned(string name) => _pinned.ContainsKey(name);

    /// <summary>Unpins <paramref name="name"/> (its key is gone or revoked: nothing left to keep fresh).</summary>
    public void Unpin(string name) => _pinned.TryRemove(name, out _);

    /// <summary>
    /// Whether every name in <paramref name="names"/> is a selector of the very domain of a pinned key (not a
    /// subdomain, which its owner may have handed to someone else); false for no names.
    /// </summary>
    public bool AllInPinnedDomains(IEnumerable<string> names)
    {
        var domains = _pinned.Keys.Select(DkimKeyNames.DomainOf).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var any = false;
        foreach (var name in names)
        {
            any = true;
            if (!domains.Contains(DkimKeyNames.DomainOf(name)))
            {
                return false;
            }
        }

        return any;
    }
}
