using System.Collections.Concurrent;
using DnsClient;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// Finds DKIM and ARC public keys in DNS: the TXT record <c>{selector}._domainkey.{domain}</c>, its
/// strings joined with no separator (RFC 6376 §3.6.2.2). Answers are cached for their TTL (capped),
/// permanent failures for <see cref="DnsDkimPublicKeyLocatorOptions.NegativeCacheDuration"/>, temporary
/// ones for <see cref="DnsDkimPublicKeyLocatorOptions.TemporaryFailureCacheDuration"/>; every expiry is
/// measured on the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>), so a wall-clock step
/// neither keeps nor drops entries.
/// </summary>
/// <remarks>
/// <para>Failures are told apart by type: <see cref="DkimKeyNotFoundException"/> when the key cannot exist
/// (NXDOMAIN, no TXT record, empty <c>p=</c> = revoked, a record that is not a key, a query method other
/// than <c>dns/txt</c>), <see cref="DkimKeyTemporaryException"/> when asking again later may help (timeout,
/// SERVFAIL, REFUSED, a network error).</para>
/// <para>Two ways to use it keep DNS off a path that must not wait: <see cref="Offline"/> answers only
/// from the cache, and <see cref="PrefetchAsync"/> fills the cache for a list of names, asking DNS once
/// per name however many callers want it at the same time. What a lookup found stays usable for the
/// message it was made for (<see cref="Hold"/>), however short its TTL.</para>
/// <para>Keys come from zones anyone can run, so what they cost is bounded before they are used: a key
/// record's <c>p=</c> of more than <see cref="MaxKeyTextLength"/> characters, an RSA modulus of more than
/// <see cref="MaxRsaModulusBits"/> bits (RFC 8301 §3.2 asks verifiers for 1024–4096) or a public exponent of
/// more than <see cref="MaxRsaExponentBits"/> bits is refused as unusable (a 16384-bit modulus with a
/// 16384-bit exponent costs seconds of CPU per signature).</para>
/// <para>Keys that verified trusted mail are <see cref="Pin">pinned</see>: never evicted by a flood of
/// other names, refreshed ahead of their expiry (<see cref="PinnedDueForRefresh"/>, <see cref="RefreshAsync"/>),
/// and, while a refresh fails for a temporary reason, served for up to
/// <see cref="DnsDkimPublicKeyLocatorOptions.PinnedStaleLimit"/> past their TTL (RFC 8767's serve-stale).</para>
/// </remarks>
public sealed class DnsDkimPublicKeyLocator : DkimPublicKeyLocatorBase
{
    /// <summary>The longest <c>p=</c> value read, white space removed: a 4096-bit RSA key with a 64-bit exponent is about 750 characters.</summary>
    public const int MaxKeyTextLength = 800;

    /// <summary>The largest RSA modulus accepted, in bits (RFC 8301 §3.2: verifiers must handle 1024 to 4096).</summary>
    public const int MaxRsaModulusBits = 4096;

    /// <summary>The largest RSA public exponent accepted, in bits (real keys use 3 or 65537; verifying costs one multiplication per bit).</summary>
    public const int MaxRsaExponentBits = 64;

    private readonly IDnsQuery _dns;
    private readonly DkimKeyCache _cache;
    private readonly DkimKeyAnswers _answers;
    private readonly ConcurrentDictionary<string, Lazy<Task<DkimKeyCacheEntry>>> _inFlight = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a locator that asks the configured name servers (or the system's) with DnsClient.</summary>
    public DnsDkimPublicKeyLocator(DnsDkimPublicKeyLocatorOptions? options = null, TimeProvider? timeProvider = null)
        : this(CreateClient(options ?? new DnsDkimPublicKeyLocatorOptions()), timeProvider ?? TimeProvider.System, options)
    {
    }

    /// <summary>Creates a locator that asks <paramref name="dns"/>.</summary>
    public DnsDkimPublicKeyLocator(IDnsQuery dns, TimeProvider timeProvider, DnsDkimPublicKeyLocatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dns);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dns = dns;
        options ??= new DnsDkimPublicKeyLocatorOptions();
        _cache = new DkimKeyCache(timeProvider, options);
        _answers = new DkimKeyAnswers(timeProvider, options, GetPublicKey);
        Offline = new OfflineDkimPublicKeyLocator(_cache);
    }

    /// <summary>How many names are cached now (answers and failures, expired ones included until dropped).</summary>
    public int CachedCount => _cache.Count;

    /// <summary>
    /// A locator over this one's cache that never asks DNS: a cached key (or cached failure) is answered
    /// as usual; a name not in the cache throws <see cref="DkimKeyNotCachedException"/> at once.
    /// </summary>
    public IDkimPublicKeyLocator Offline { get; }

    /// <summary>
    /// Looks up every name in <paramref name="names"/> that is not cached yet (all at once), and caches
    /// the answers and failures. A name already being looked up for another caller is not asked again:
    /// this call waits for that lookup.
    /// </summary>
    /// <param name="names">DNS names as <see cref="DkimKeyNotCachedException.Name"/> gives them: <c>{selector}._domainkey.{domain}</c>.</param>
    /// <param name="cancellationToken">Stops waiting (a time budget); lookups already sent still finish, bounded by
    /// <see cref="DnsDkimPublicKeyLocatorOptions.Timeout"/> and <see cref="DnsDkimPublicKeyLocatorOptions.Retries"/>, and fill the cache.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before every lookup ended.</exception>
    public Task PrefetchAsync(IEnumerable<string> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        var lookups = new List<Task>();
        foreach (var name in names.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (_cache.Fresh(name) is null)
            {
                lookups.Add(LookUpOnceAsync(name));
            }
        }

        return lookups.Count == 0 ? Task.CompletedTask : Task.WhenAll(lookups).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Keeps what is cached for <paramref name="names"/> usable by <see cref="Offline"/> until the returned
    /// handle is disposed, even past its TTL (a TTL of 0 included), and keeps it from being evicted: a key
    /// looked up for a message is there when that message is verified, however long it waited.
    /// </summary>
    /// <param name="names">DNS names as <see cref="PrefetchAsync"/> takes them.</param>
    /// <returns>Disposing it (once) ends the hold.</returns>
    public IDisposable Hold(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return _cache.Holds.Hold(names);
    }

    /// <summary>
    /// Pins <paramref name="names"/> (keys that verified a trusted message): they are never evicted, are
    /// refreshed before they expire (see <see cref="PinnedDueForRefresh"/>), and while a refresh fails for a
    /// temporary reason the last key is still served, for up to <see cref="DnsDkimPublicKeyLocatorOptions.PinnedStaleLimit"/>
    /// past its TTL. At most <see cref="DnsDkimPublicKeyLocatorOptions.MaxPinned"/> names; the least recently pinned go first.
    /// </summary>
    public void Pin(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _cache.Pins.Pin(names);
    }

    /// <summary>The pinned names (<see cref="Pin"/>), most recently pinned first.</summary>
    public IReadOnlyList<string> PinnedNames => _cache.Pins.ByRecency;

    /// <summary>Whether <paramref name="name"/> is pinned (<see cref="Pin"/>).</summary>
    public bool IsPinned(string name) => _cache.Pins.IsPinned(name);

    /// <summary>
    /// Whether every name in <paramref name="names"/> is a selector of the very domain of a pinned key (any
    /// selector of <c>google.com</c> once a <c>google.com</c> key verified trusted mail; not a subdomain, which
    /// its owner may have handed to someone else).
    /// </summary>
    public bool AllInPinnedDomains(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return _cache.Pins.AllInPinnedDomains(names);
    }

    /// <summary>Pinned names whose answer is missing or expires within <paramref name="margin"/> (monotonic clock).</summary>
    public IReadOnlyList<string> PinnedDueForRefresh(TimeSpan margin) => _cache.PinnedDueForRefresh(margin);

    /// <summary>
    /// Looks <paramref name="names"/> up again even when their answers have not expired yet, and caches the
    /// outcome (a pinned key's temporary failure keeps the key, see <see cref="Pin"/>).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first; the lookups still finish and fill the cache.</exception>
    public Task RefreshAsync(IEnumerable<string> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        var lookups = names.Distinct(StringComparer.OrdinalIgnoreCase).Select(LookUpOnceAsync).ToArray();
        return lookups.Length == 0 ? Task.CompletedTask : Task.WhenAll(lookups).WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="DkimKeyNotFoundException">There is no usable key and there will not be one on asking again.</exception>
    /// <exception cref="DkimKeyTemporaryException">DNS did not answer usefully; asking later may help.</exception>
    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        var name = DkimKeyNames.NameOf(methods, domain, selector);
        if (_cache.Fresh(name) is { } cached)
        {
            return cached.KeyOrThrow();
        }

        cancellationToken.ThrowIfCancellationRequested();
        IDnsQueryResponse response;
        try
        {
            response = _dns.Query(name, QueryType.TXT);
        }
        catch (Exception e) when (DkimKeyAnswers.QueryFailure(name, e) is { } failure)
        {
            _cache.Remember(name, _answers.Failure(failure));
            throw failure;
        }

        return _cache.Remember(name, _answers.FromResponse(name, response)).KeyOrThrow();
    }

    /// <inheritdoc/>
    /// <exception cref="DkimKeyNotFoundException">There is no usable key and there will not be one on asking again.</exception>
    /// <exception cref="DkimKeyTemporaryException">DNS did not answer usefully; asking later may help.</exception>
    public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        var name = DkimKeyNames.NameOf(methods, domain, selector);
        if (_cache.Fresh(name) is { } cached)
        {
            return cached.KeyOrThrow();
        }

        var entry = await LookUpOnceAsync(name).WaitAsync(cancellationToken).ConfigureAwait(false);
        return entry.KeyOrThrow();
    }

    private static LookupClient CreateClient(DnsDkimPublicKeyLocatorOptions options)
    {
        var clientOptions = options.NameServers.Count == 0
            ? new LookupClientOptions()
            : new LookupClientOptions(options.NameServers.ToArray());
        clientOptions.Timeout = options.Timeout;
        clientOptions.Retries = options.Retries;
        clientOptions.UseCache = false; // this class caches, on the injected clock
        clientOptions.ThrowDnsErrors = false;
        clientOptions.ContinueOnDnsError = true;
        clientOptions.UseTcpFallback = true;
        return new LookupClient(clientOptions);
    }

    /// <summary>The one lookup of <paramref name="name"/> in flight, started if there is none; it caches its outcome and never throws.</summary>
    private async Task<DkimKeyCacheEntry> LookUpOnceAsync(string name)
    {
        var lookup = _inFlight.GetOrAdd(name, n => new Lazy<Task<DkimKeyCacheEntry>>(() => LookUpAsync(n)));
        try
        {
            return await lookup.Value.ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<DkimKeyCacheEntry>>>(name, lookup));
        }
    }

    private async Task<DkimKeyCacheEntry> LookUpAsync(string name)
    {
        try
        {
            IDnsQueryResponse response;
            try
            {
                // Not cancellable by any one caller: others may be waiting for the same answer. DnsClient's
                // timeout and retries bound it.
                response = await _dns.QueryAsync(name, QueryType.TXT, QueryClass.IN, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (DkimKeyAnswers.QueryFailure(name, e) is { } failure)
            {
                return _cache.Remember(name, _answers.Failure(failure));
            }

            return _cache.Remember(name, _answers.FromResponse(name, response));
        }
#pragma warning disable CA1031 // A lookup's outcome is what is cached; nothing may escape to the waiting callers.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return _cache.Remember(name, _answers.Unexpected(name, e));
        }
    }
}
