using System.Collections.Concurrent;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace MailGate.Parse.Authentication;

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

    private const string DnsTxt = "dns/txt";

    private readonly IDnsQuery _dns;
    private readonly TimeProvider _timeProvider;
    private readonly DnsDkimPublicKeyLocatorOptions _options;
    private readonly ConcurrentDictionary<string, CacheEntry> _cache = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Lazy<Task<CacheEntry>>> _inFlight = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _holds = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Pinned names and when each was last pinned (monotonic): the oldest goes first past <see cref="DnsDkimPublicKeyLocatorOptions.MaxPinned"/>.</summary>
    private readonly ConcurrentDictionary<string, long> _pinned = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _evicting = new();

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
        _timeProvider = timeProvider;
        _options = options ?? new DnsDkimPublicKeyLocatorOptions();
        Offline = new OfflineLocator(this);
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
            if (Cached(name) is null)
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
        var held = names.Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var name in held)
        {
            _holds.AddOrUpdate(name, 1, (_, n) => n + 1);
        }

        return new Holding(this, held);
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
        var now = _timeProvider.GetTimestamp();
        foreach (var name in names)
        {
            _pinned[name.ToLowerInvariant()] = now;
        }

        while (_pinned.Count > _options.MaxPinned && _pinned.MinBy(p => p.Value) is { Key: { } oldest } entry)
        {
            _pinned.TryRemove(entry);
        }
    }

    /// <summary>The pinned names (<see cref="Pin"/>), most recently pinned first.</summary>
    public IReadOnlyList<string> PinnedNames => [.. _pinned.OrderByDescending(p => p.Value).Select(p => p.Key)];

    /// <summary>Whether <paramref name="name"/> is pinned (<see cref="Pin"/>).</summary>
    public bool IsPinned(string name) => _pinned.ContainsKey(name);

    /// <summary>
    /// Whether every name in <paramref name="names"/> is a selector of the very domain of a pinned key (any
    /// selector of <c>google.com</c> once a <c>google.com</c> key verified trusted mail; not a subdomain, which
    /// its owner may have handed to someone else).
    /// </summary>
    public bool AllInPinnedDomains(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var domains = _pinned.Keys.Select(DomainOf).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var any = false;
        foreach (var name in names)
        {
            any = true;
            var domain = DomainOf(name);
            if (!domains.Contains(domain))
            {
                return false;
            }
        }

        return any;
    }

    /// <summary>Pinned names whose answer is missing or expires within <paramref name="margin"/> (monotonic clock).</summary>
    public IReadOnlyList<string> PinnedDueForRefresh(TimeSpan margin)
    {
        var soon = After(margin);
        return _pinned.Keys.Where(name => !_cache.TryGetValue(name, out var entry) || entry.Expires <= soon).ToArray();
    }

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
        var name = NameOf(methods, domain, selector);
        if (Cached(name) is { } cached)
        {
            return cached.KeyOrThrow();
        }

        cancellationToken.ThrowIfCancellationRequested();
        IDnsQueryResponse response;
        try
        {
            response = _dns.Query(name, QueryType.TXT);
        }
        catch (Exception e) when (QueryFailure(name, e) is { } failure)
        {
            Remember(name, FailureEntry(failure));
            throw failure;
        }

        return Remember(name, Interpret(name, response)).KeyOrThrow();
    }

    /// <inheritdoc/>
    /// <exception cref="DkimKeyNotFoundException">There is no usable key and there will not be one on asking again.</exception>
    /// <exception cref="DkimKeyTemporaryException">DNS did not answer usefully; asking later may help.</exception>
    public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        var name = NameOf(methods, domain, selector);
        if (Cached(name) is { } cached)
        {
            return cached.KeyOrThrow();
        }

        var entry = await LookUpOnceAsync(name).WaitAsync(cancellationToken).ConfigureAwait(false);
        return entry.KeyOrThrow();
    }

    /// <summary>The one lookup of <paramref name="name"/> in flight, started if there is none; it caches its outcome and never throws.</summary>
    private async Task<CacheEntry> LookUpOnceAsync(string name)
    {
        var lookup = _inFlight.GetOrAdd(name, n => new Lazy<Task<CacheEntry>>(() => LookUpAsync(n)));
        try
        {
            return await lookup.Value.ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<CacheEntry>>>(name, lookup));
        }
    }

    private async Task<CacheEntry> LookUpAsync(string name)
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
            catch (Exception e) when (QueryFailure(name, e) is { } failure)
            {
                return Remember(name, FailureEntry(failure));
            }

            return Remember(name, Interpret(name, response));
        }
#pragma warning disable CA1031 // A lookup's outcome is what is cached; nothing may escape to the waiting callers.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Remember(name, CacheEntry.Temporary($"{name}: DNS query failed: {e.GetType().Name}: {e.Message}", After(_options.TemporaryFailureCacheDuration)));
        }
    }

    private CacheEntry FailureEntry(Exception failure) => failure is DkimKeyTemporaryException
        ? CacheEntry.Temporary(failure.Message, After(_options.TemporaryFailureCacheDuration))
        : CacheEntry.Failed(failure.Message, After(_options.NegativeCacheDuration));

    private long After(TimeSpan duration) => _timeProvider.GetTimestamp() + (long)(duration.TotalSeconds * _timeProvider.TimestampFrequency);

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

    private static string NameOf(string? methods, string domain, string selector)
    {
        // q= is optional; its default and only defined value is dns/txt (RFC 6376 §3.5).
        if (!string.IsNullOrWhiteSpace(methods)
            && !methods.Split(':', StringSplitOptions.TrimEntries).Any(m => m.Equals(DnsTxt, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DkimKeyNotFoundException($"no supported key query method in q={methods}");
        }

        if (string.IsNullOrWhiteSpace(domain) || string.IsNullOrWhiteSpace(selector))
        {
            throw new DkimKeyNotFoundException("the signature names no domain or no selector");
        }

        return $"{selector.Trim()}._domainkey.{domain.Trim().TrimEnd('.')}".ToLowerInvariant();
    }

    /// <summary>The exception a failed query maps to; null for exceptions that are not about DNS (they propagate).</summary>
    private static Exception? QueryFailure(string name, Exception e) => e switch
    {
        DnsResponseException dns when dns.Code == DnsResponseCode.ConnectionTimeout =>
            new DkimKeyTemporaryException($"{name}: DNS timeout", e),
        DnsResponseException dns => new DkimKeyTemporaryException($"{name}: DNS error {dns.Code}", e),
        SocketException or IOException or TimeoutException or OperationCanceledException =>
            new DkimKeyTemporaryException($"{name}: DNS query failed: {e.Message}", e),
        ArgumentException => new DkimKeyNotFoundException($"{name}: not a valid DNS name", e),
        _ => null,
    };

    private CacheEntry Interpret(string name, IDnsQueryResponse response)
    {
        var negativeUntil = After(_options.NegativeCacheDuration);
        var code = response.Header.ResponseCode;
        if (code == DnsHeaderResponseCode.NotExistentDomain)
        {
            return CacheEntry.Failed($"{name}: no such name (NXDOMAIN)", negativeUntil);
        }

        if (code != DnsHeaderResponseCode.NoError)
        {
            return CacheEntry.Temporary($"{name}: DNS error {code}", After(_options.TemporaryFailureCacheDuration));
        }

        var records = response.Answers.TxtRecords().ToList();
        if (records.Count == 0)
        {
            return CacheEntry.Failed($"{name}: no TXT record", negativeUntil);
        }

        // Several TXT records at one name leave the result undefined (RFC 6376 §3.6.2.2); prefer one that
        // says it is a DKIM key.
        var record = records.FirstOrDefault(r => string.Concat(r.Text).TrimStart().StartsWith("v=DKIM1", StringComparison.OrdinalIgnoreCase))
            ?? records[0];
        var txt = string.Concat(record.Text);
        if (TooCostly(txt) is { } refusal)
        {
            return CacheEntry.Failed($"{name}: not a usable key ({refusal})", negativeUntil);
        }

        try
        {
            var key = GetPublicKey(txt);
            if (key is RsaKeyParameters rsa && (rsa.Modulus.BitLength > MaxRsaModulusBits || rsa.Exponent.BitLength > MaxRsaExponentBits))
            {
                return CacheEntry.Failed($"{name}: not a usable key (RSA modulus of {rsa.Modulus.BitLength} bits, exponent of {rsa.Exponent.BitLength} bits; at most {MaxRsaModulusBits} and {MaxRsaExponentBits})", negativeUntil);
            }

            var ttl = TimeSpan.FromSeconds(Math.Max(0, records.Min(r => r.TimeToLive)));
            return CacheEntry.Found(key, After(ttl < _options.MaxCacheDuration ? ttl : _options.MaxCacheDuration));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // ParseException for an empty p= (revoked key) or a record without a key, FormatException
            // for bad base64, BouncyCastle's exceptions for a malformed key.
            return CacheEntry.Failed($"{name}: not a usable key ({e.Message})", negativeUntil);
        }
    }

    /// <summary>
    /// Why a key record is refused before it is parsed (parsing an RSA key tests its modulus, which for a huge
    /// one costs seconds): a <c>p=</c> longer than <see cref="MaxKeyTextLength"/>; null when it may be parsed.
    /// </summary>
    private static string? TooCostly(string txt)
    {
        foreach (var tag in txt.Split(';'))
        {
            var eq = tag.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && tag.AsSpan(0, eq).Trim().SequenceEqual("p"))
            {
                var length = tag.AsSpan(eq + 1).Length - tag.AsSpan(eq + 1).Count(' ') - tag.AsSpan(eq + 1).Count('\t');
                return length > MaxKeyTextLength ? $"p= of {length} characters; a key of at most {MaxRsaModulusBits} bits needs at most {MaxKeyTextLength}" : null;
            }
        }

        return null;
    }

    private CacheEntry? Cached(string name) =>
        _cache.TryGetValue(name, out var entry) && entry.Expires > _timeProvider.GetTimestamp() ? entry : null;

    /// <summary>The entry <see cref="Offline"/> may answer with: fresh, held for a message (<see cref="Hold"/>), or a pinned key within its stale limit.</summary>
    private CacheEntry? Usable(string name)
    {
        if (!_cache.TryGetValue(name, out var entry))
        {
            return null;
        }

        var now = _timeProvider.GetTimestamp();
        return entry.Expires > now || _holds.ContainsKey(name) || ServedStale(name, entry, now) ? entry : null;
    }

    /// <summary>Whether <paramref name="entry"/>, expired, is a pinned key still within <see cref="DnsDkimPublicKeyLocatorOptions.PinnedStaleLimit"/>.</summary>
    private bool ServedStale(string name, CacheEntry entry, long now) =>
        entry.Key is not null && _pinned.ContainsKey(name)
        && _timeProvider.GetElapsedTime(entry.Expires, now) < _options.PinnedStaleLimit;

    private CacheEntry Remember(string name, CacheEntry entry)
    {
        var now = _timeProvider.GetTimestamp();
        if (entry.IsTemporary && _cache.TryGetValue(name, out var known) && known.Key is not null
            && (known.Expires > now || ServedStale(name, known, now)))
        {
            // Serve-stale (RFC 8767): DNS failing for a moment does not take away a key that is still valid, or
            // a pinned one within its stale limit. A refresh that finds the key gone (NXDOMAIN, revoked) replaces it.
            return known;
        }

        if (_cache.Count >= _options.MaxCacheEntries)
        {
            Evict(now);
        }

        if (entry is { Key: null, IsTemporary: false })
        {
            _pinned.TryRemove(name, out _); // gone or revoked: nothing left to keep fresh
        }

        // Kept even when already expired (a TTL of 0): a message holding the name uses it once.
        _cache[name] = entry;
        return entry;
    }

    /// <summary>
    /// Makes room: selectors come from hostile headers, so first what expired goes, then failures (a flood of
    /// made-up selectors is all failures), then the keys that expire soonest, down to nine tenths of the cap.
    /// Held and pinned names stay.
    /// </summary>
    private void Evict(long now)
    {
        lock (_evicting)
        {
            var target = _options.MaxCacheEntries - Math.Max(1, _options.MaxCacheEntries / 10);
            var candidates = _cache.Where(e => !_holds.ContainsKey(e.Key) && !_pinned.ContainsKey(e.Key))
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

    private static string DomainOf(string name)
    {
        var at = name.IndexOf("._domainkey.", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? name : name[(at + "._domainkey.".Length)..];
    }

    private void Release(string[] names)
    {
        foreach (var name in names)
        {
            if (_holds.AddOrUpdate(name, 0, (_, n) => n - 1) <= 0)
            {
                _holds.TryRemove(new KeyValuePair<string, int>(name, 0));
            }
        }
    }

    /// <summary>One <see cref="Hold"/>; ends it once.</summary>
    private sealed class Holding(DnsDkimPublicKeyLocator owner, string[] names) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(names);
            }
        }
    }

    /// <summary>A cached answer or failure; <paramref name="Expires"/> is a <see cref="TimeProvider.GetTimestamp"/> value.</summary>
    private sealed record CacheEntry(AsymmetricKeyParameter? Key, string? Failure, bool IsTemporary, long Expires)
    {
        public static CacheEntry Found(AsymmetricKeyParameter key, long expires) => new(key, null, false, expires);

        public static CacheEntry Failed(string failure, long expires) => new(null, failure, false, expires);

        public static CacheEntry Temporary(string failure, long expires) => new(null, failure, true, expires);

        public AsymmetricKeyParameter KeyOrThrow() =>
            Key ?? throw (IsTemporary ? new DkimKeyTemporaryException(Failure!) : new DkimKeyNotFoundException(Failure!));
    }

    /// <summary>Answers from the cache only (see <see cref="Offline"/>).</summary>
    private sealed class OfflineLocator(DnsDkimPublicKeyLocator owner) : IDkimPublicKeyLocator
    {
        public AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default)
        {
            var name = NameOf(methods, domain, selector);
            return owner.Usable(name) is { } usable ? usable.KeyOrThrow() : throw new DkimKeyNotCachedException(name);
        }

        public Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
