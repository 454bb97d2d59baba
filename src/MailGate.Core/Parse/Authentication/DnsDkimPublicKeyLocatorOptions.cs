using System.Net;

namespace MailGate.Core.Parse.Authentication;

/// <summary>How <see cref="DnsDkimPublicKeyLocator"/> asks DNS for DKIM keys and how long it remembers the answers.</summary>
public sealed record DnsDkimPublicKeyLocatorOptions
{
    /// <summary>The name servers to ask; empty means the system's resolvers.</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<IPEndPoint> NameServers { get; init; } = [];

    /// <summary>How long to wait for one answer from one name server.</summary>
    /// <value>2 seconds.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many times a query that timed out is sent again.</summary>
    /// <value>1.</value>
    public int Retries { get; init; } = 1;

    /// <summary>The longest a key is cached, whatever its TTL says.</summary>
    /// <value>1 hour.</value>
    public TimeSpan MaxCacheDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long a permanent failure (NXDOMAIN, no TXT record, revoked or unusable key) is cached.</summary>
    /// <value>1 minute.</value>
    public TimeSpan NegativeCacheDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a temporary failure (timeout, SERVFAIL, REFUSED, a network error) is cached: while it is,
    /// a key in a zone that does not answer costs nothing more, however many messages name it.
    /// </summary>
    /// <value>30 seconds.</value>
    public TimeSpan TemporaryFailureCacheDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most names kept in the cache. Selectors come from hostile headers, so the cache is bounded:
    /// past this size expired entries are dropped, then failures, then the keys that expire soonest, down to
    /// nine tenths of it; pinned names and names held for a message being verified are never dropped.
    /// </summary>
    /// <value>10,000.</value>
    public int MaxCacheEntries { get; init; } = 10_000;

    /// <summary>The most names pinned at once (keys that verified trusted mail); the least recently pinned are unpinned first.</summary>
    /// <value>64.</value>
    public int MaxPinned { get; init; } = 64;

    /// <summary>
    /// How long past its TTL a pinned key is still served while looking it up again fails for a temporary
    /// reason (RFC 8767 serve-stale). A key found revoked or gone is never served.
    /// </summary>
    /// <value>1 hour.</value>
    public TimeSpan PinnedStaleLimit { get; init; } = TimeSpan.FromHours(1);
}
