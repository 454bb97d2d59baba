using System.Collections.Concurrent;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailGate.Parse.Authentication;

/// <summary>
/// Finds DKIM and ARC public keys in DNS: the TXT record <c>{selector}._domainkey.{domain}</c>, its
/// strings joined with no separator (RFC 6376 §3.6.2.2). Answers are cached for their TTL (capped);
/// permanent failures briefly; temporary ones not at all.
/// </summary>
/// <remarks>
/// Failures are told apart by type: <see cref="DkimKeyNotFoundException"/> when the key cannot exist
/// (NXDOMAIN, no TXT record, empty <c>p=</c> = revoked, a record that is not a key, a query method other
/// than <c>dns/txt</c>), <see cref="DkimKeyTemporaryException"/> when asking again later may help (timeout,
/// SERVFAIL, REFUSED, a network error).
/// </remarks>
public sealed class DnsDkimPublicKeyLocator : DkimPublicKeyLocatorBase
{
    private const string DnsTxt = "dns/txt";

    private readonly IDnsQuery _dns;
    private readonly TimeProvider _timeProvider;
    private readonly DnsDkimPublicKeyLocatorOptions _options;
    private readonly ConcurrentDictionary<string, CacheEntry> _cache = new(StringComparer.OrdinalIgnoreCase);

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
    }

    /// <summary>How many names are cached now (answers and permanent failures, expired ones included until dropped).</summary>
    public int CachedCount => _cache.Count;

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

        IDnsQueryResponse response;
        try
        {
            response = await _dns.QueryAsync(name, QueryType.TXT, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && QueryFailure(name, e) is { } failure)
        {
            throw failure;
        }

        return Remember(name, Interpret(name, response)).KeyOrThrow();
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
        var now = _timeProvider.GetUtcNow();
        var negativeUntil = now + _options.NegativeCacheDuration;
        var code = response.Header.ResponseCode;
        if (code == DnsHeaderResponseCode.NotExistentDomain)
        {
            return CacheEntry.Failed($"{name}: no such name (NXDOMAIN)", negativeUntil);
        }

        if (code != DnsHeaderResponseCode.NoError)
        {
            return CacheEntry.Temporary($"{name}: DNS error {code}");
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
            return CacheEntry.Found(key, now + (ttl < _options.MaxCacheDuration ? ttl : _options.MaxCacheDuration));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // ParseException for an empty p= (revoked key) or a record without a key, FormatException
            // for bad base64, BouncyCastle's exceptions for a malformed key.
            return CacheEntry.Failed($"{name}: not a usable key ({e.Message})", negativeUntil);
        }
    }

    private CacheEntry? Cached(string name) =>
        _cache.TryGetValue(name, out var entry) && entry.Expires > _timeProvider.GetUtcNow() ? entry : null;

    private CacheEntry Remember(string name, CacheEntry entry)
    {
        if (entry.IsTemporary)
        {
            return entry;
        }

        if (_cache.Count >= _options.MaxCacheEntries)
        {
            var now = _timeProvider.GetUtcNow();
            foreach (var (key, value) in _cache)
            {
                if (value.Expires <= now)
                {
                    _cache.TryRemove(key, out _);
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

    private sealed record CacheEntry(AsymmetricKeyParameter? Key, string? Failure, bool IsTemporary, DateTimeOffset Expires)
    {
        public static CacheEntry Found(AsymmetricKeyParameter key, DateTimeOffset expires) => new(key, null, false, expires);

        public static CacheEntry Failed(string failure, DateTimeOffset expires) => new(null, failure, false, expires);

        public static CacheEntry Temporary(string failure) => new(null, failure, true, DateTimeOffset.MinValue);

        public AsymmetricKeyParameter KeyOrThrow() =>
            Key ?? throw (IsTemporary ? new DkimKeyTemporaryException(Failure!) : new DkimKeyNotFoundException(Failure!));
    }
}
