using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// Turns what DNS said about a DKIM key name — a TXT answer (RFC 6376 §3.6.2.2) or a failed query — into the
/// <see cref="DkimKeyCacheEntry"/> to cache, with its expiry from <see cref="DnsDkimPublicKeyLocatorOptions"/>:
/// the record's TTL capped by <see cref="DnsDkimPublicKeyLocatorOptions.MaxCacheDuration"/>, permanent failures
/// for <see cref="DnsDkimPublicKeyLocatorOptions.NegativeCacheDuration"/>, temporary ones for
/// <see cref="DnsDkimPublicKeyLocatorOptions.TemporaryFailureCacheDuration"/>.
/// </summary>
/// <param name="timeProvider">The monotonic clock expiries are measured on.</param>
/// <param name="options">The cache durations.</param>
/// <param name="parseKey">Reads a key record's tags into a key (MimeKit's <c>DkimPublicKeyLocatorBase.GetPublicKey</c>).</param>
internal sealed class DkimKeyAnswers(TimeProvider timeProvider, DnsDkimPublicKeyLocatorOptions options, Func<string, AsymmetricKeyParameter> parseKey)
{
    /// <summary>The exception a failed query maps to; null for exceptions that are not about DNS (they propagate).</summary>
    public static Exception? QueryFailure(string name, Exception e) => e switch
    {
        DnsResponseException dns when dns.Code == DnsResponseCode.ConnectionTimeout =>
            new DkimKeyTemporaryException($"{name}: DNS timeout", e),
        DnsResponseException dns => new DkimKeyTemporaryException($"{name}: DNS error {dns.Code}", e),
        SocketException or IOException or TimeoutException or OperationCanceledException =>
            new DkimKeyTemporaryException($"{name}: DNS query failed: {e.Message}", e),
        ArgumentException => new DkimKeyNotFoundException($"{name}: not a valid DNS name", e),
        _ => null,
    };

    /// <summary>The entry for a query that failed with <paramref name="failure"/> (as <see cref="QueryFailure"/> maps it).</summary>
    public DkimKeyCacheEntry Failure(Exception failure) => failure is DkimKeyTemporaryException
        ? DkimKeyCacheEntry.Temporary(failure.Message, After(options.TemporaryFailureCacheDuration))
        : DkimKeyCacheEntry.Failed(failure.Message, After(options.NegativeCacheDuration));

    /// <summary>The entry for a lookup that failed in an unforeseen way: temporary, so that it is asked again.</summary>
    public DkimKeyCacheEntry Unexpected(string name, Exception e) =>
        DkimKeyCacheEntry.Temporary($"{name}: DNS query failed: {e.GetType().Name}: {e.Message}", After(options.TemporaryFailureCacheDuration));

    /// <summary>
    /// The entry for DNS's <paramref name="response"/> about <paramref name="name"/>: NXDOMAIN, no TXT record, a
    /// record that is not a usable key, or one too costly to use (<see cref="DnsDkimPublicKeyLocator.MaxKeyTextLength"/>,
    /// <see cref="DnsDkimPublicKeyLocator.MaxRsaModulusBits"/>, <see cref="DnsDkimPublicKeyLocator.MaxRsaExponentBits"/>)
    /// is a permanent failure; any other error code a temporary one.
    /// </summary>
    public DkimKeyCacheEntry FromResponse(string name, IDnsQueryResponse response)
    {
        var negativeUntil = After(options.NegativeCacheDuration);
        var code = response.Header.ResponseCode;
        if (code == DnsHeaderResponseCode.NotExistentDomain)
        {
            return DkimKeyCacheEntry.Failed($"{name}: no such name (NXDOMAIN)", negativeUntil);
        }

        if (code != DnsHeaderResponseCode.NoError)
        {
            return DkimKeyCacheEntry.Temporary($"{name}: DNS error {code}", After(options.TemporaryFailureCacheDuration));
        }

        var records = response.Answers.TxtRecords().ToList();
        if (records.Count == 0)
        {
            return DkimKeyCacheEntry.Failed($"{name}: no TXT record", negativeUntil);
        }

        // Several TXT records at one name leave the result undefined (RFC 6376 §3.6.2.2); prefer one that
        // says it is a DKIM key.
        var record = records.FirstOrDefault(r => string.Concat(r.Text).TrimStart().StartsWith("v=DKIM1", StringComparison.OrdinalIgnoreCase))
            ?? records[0];
        var txt = string.Concat(record.Text);
        if (TooCostly(txt) is { } refusal)
        {
            return DkimKeyCacheEntry.Failed($"{name}: not a usable key ({refusal})", negativeUntil);
        }

        try
        {
            var key = parseKey(txt);
            if (key is RsaKeyParameters rsa && (rsa.Modulus.BitLength > DnsDkimPublicKeyLocator.MaxRsaModulusBits || rsa.Exponent.BitLength > DnsDkimPublicKeyLocator.MaxRsaExponentBits))
            {
                return DkimKeyCacheEntry.Failed($"{name}: not a usable key (RSA modulus of {rsa.Modulus.BitLength} bits, exponent of {rsa.Exponent.BitLength} bits; at most {DnsDkimPublicKeyLocator.MaxRsaModulusBits} and {DnsDkimPublicKeyLocator.MaxRsaExponentBits})", negativeUntil);
            }

            var ttl = TimeSpan.FromSeconds(Math.Max(0, records.Min(r => r.TimeToLive)));
            return DkimKeyCacheEntry.Found(key, After(ttl < options.MaxCacheDuration ? ttl : options.MaxCacheDuration));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // ParseException for an empty p= (revoked key) or a record without a key, FormatException
            // for bad base64, BouncyCastle's exceptions for a malformed key.
            return DkimKeyCacheEntry.Failed($"{name}: not a usable key ({e.Message})", negativeUntil);
        }
    }

    /// <summary>
    /// Why a key record is refused before it is parsed (parsing an RSA key tests its modulus, which for a huge
    /// one costs seconds): a <c>p=</c> longer than <see cref="DnsDkimPublicKeyLocator.MaxKeyTextLength"/>; null when it may be parsed.
    /// </summary>
    private static string? TooCostly(string txt)
    {
        foreach (var tag in txt.Split(';'))
        {
            var eq = tag.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && tag.AsSpan(0, eq).Trim().SequenceEqual("p"))
            {
                var length = tag.AsSpan(eq + 1).Length - tag.AsSpan(eq + 1).Count(' ') - tag.AsSpan(eq + 1).Count('\t');
                return length > DnsDkimPublicKeyLocator.MaxKeyTextLength
                    ? $"p= of {length} characters; a key of at most {DnsDkimPublicKeyLocator.MaxRsaModulusBits} bits needs at most {DnsDkimPublicKeyLocator.MaxKeyTextLength}"
                    : null;
            }
        }

        return null;
    }

    private long After(TimeSpan duration) => DkimKeyCacheEntry.ExpiresAfter(timeProvider, duration);
}
