using System.Collections.Concurrent;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

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
/// per name however many callers want it at the same time.</para>
/// </remarks>
public sealed class DnsDkimPublicKeyLocator : DkimPublicKeyLocatorBase
{
    private const string DnsTxt = "dns/txt";

    private readonly IDnsQuery _dns;
    private readonly TimeProvider _timeProvider;
    private readonly DnsDkimPublicKeyLocatorOptions _options;
    private readonly ConcurrentDictionary<string, CacheEntry> _cache = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Lazy<Task<CacheEntry>>> _inFlight = new(StringComparer.OrdinalIgnoreCase);

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
        try
        {
            var key = GetPublicKey(txt);
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

    private CacheEntry? Cached(string name) =>
        _cache.TryGetValue(name, out var entry) && entry.Expires > _timeProvider.GetTimestamp() ? entry : null;

    private CacheEntry Remember(string name, CacheEntry entry)
    {
        if (entry.Expires <= _timeProvider.GetTimestamp())
        {
            return entry; // a zero TTL or duration: not worth keeping
        }

        if (_cache.Count >= _options.MaxCacheEntries)
        {
            // Selectors come from hostile headers: first drop what expired, then failures (a flood of made-up
            // selectors is all failures), and only then the keys themselves.
            var now = _timeProvider.GetTimestamp();
            foreach (var (key, value) in _cache)
            {
                if (value.Expires <= now)
                {
                    _cache.TryRemove(key, out _);
                }
            }

            if (_cache.Count >= _options.MaxCacheEntries)
            {
                foreach (var (key, value) in _cache)
                {
                    if (value.Key is null)
                    {
                        _cache.TryRemove(key, out _);
                    }
                }
            }

            if (_cache.Count >= _options.MaxCacheEntries)
            {
                _cache.Clear();
            }
        }

        _cache[name] = entry;
        return entry;
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
            return owner.Cached(name) is { } cached ? cached.KeyOrThrow() : throw new DkimKeyNotCachedException(name);
        }

        public Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
