using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace MailGate.Push;

/// <summary>
/// Verifies Amazon SNS message signatures: <c>SignatureVersion</c> 1 (SHA1withRSA) and 2 (SHA256withRSA) over
/// <see cref="SnsMessage.StringToSign"/>, with the certificate at <c>SigningCertURL</c> — fetched only when the
/// URL matches <see cref="AwsEventsOptions.SnsCertificateUrlPattern"/>, and kept (per URL) for the life of the process.
/// </summary>
internal sealed class SnsSignatureVerifier(IOptions<AwsEventsOptions> options, IHttpClientFactory clients, TimeProvider time)
{
    /// <summary>The named <see cref="HttpClient"/> that fetches certificates and confirms subscriptions.</summary>
    public const string ClientName = "aws-events-sns";

    /// <summary>The longest a certificate fetch may take, headers and body together (a slow server cannot hold the endpoint).</summary>
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The oldest a message's <c>Timestamp</c> may be (SNS retries an HTTPS delivery for at most an hour); older is a replay.</summary>
    public static readonly TimeSpan MaxMessageAge = TimeSpan.FromHours(1);

    /// <summary>How far ahead of this clock a message's <c>Timestamp</c> may be.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private const int MaxCertificateBytes = 64 * 1024;
    private readonly Regex _allowed = new(options.Value.SnsCertificateUrlPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    private readonly ConcurrentDictionary<string, X509Certificate2> _certificates = new(StringComparer.Ordinal);

    /// <summary>Null when <paramref name="message"/> is signed by the certificate it names; else why not (for the log and the 403 answer).</summary>
    /// <exception cref="HttpRequestException">The certificate could not be fetched (a transient failure: answer 5xx so SNS retries).</exception>
    public async Task<string?> ProblemAsync(SnsMessage message, CancellationToken cancellationToken)
    {
        var hash = message.SignatureVersion switch
        {
            "1" => HashAlgorithmName.SHA1,
            "2" => HashAlgorithmName.SHA256,
            _ => default,
        };
        if (hash == default)
        {
            return $"SignatureVersion '{message.SignatureVersion}' is neither 1 nor 2";
        }

        if (message.StringToSign() is not { } text || message.Signature is not { } signatureText || message.SigningCertUrl is not { } url)
        {
            return $"a {message.Type ?? "message without Type"} lacking the fields SNS signs";
        }

        // The parsed form must match too (no user info, no normalisation trick), so what is fetched is what was checked.
        if (!_allowed.IsMatch(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0 || !_allowed.IsMatch(uri.AbsoluteUri))
        {
            return $"SigningCertURL '{url}' does not match AwsEvents:SnsCertificateUrlPattern";
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(signatureText);
        }
        catch (FormatException)
        {
            return "Signature is not Base64";
        }

        var certificate = await CertificateAsync(uri, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            return $"the signing certificate at '{url}' is not valid now (valid {certificate.NotBefore:O} to {certificate.NotAfter:O})";
        }

        using var rsa = certificate.GetRSAPublicKey();
        return rsa is null ? $"the certificate at '{url}' has no RSA key"
            : !rsa.VerifyData(Encoding.UTF8.GetBytes(text), signature, hash, RSASignaturePadding.Pkcs1) ? "the signature does not match the message"
            : StaleProblem(message.Timestamp, now);
    }

    /// <summary>Null when <paramref name="timestamp"/> is within <see cref="MaxMessageAge"/> before <paramref name="now"/> and <see cref="MaxClockSkew"/> after; else why not (a replayed signed message).</summary>
    public static string? StaleProblem(string? timestamp, DateTimeOffset now) =>
        !DateTimeOffset.TryParse(timestamp, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? $"Timestamp '{timestamp}' is not a time"
            : at < now - MaxMessageAge ? $"Timestamp {timestamp} is older than {MaxMessageAge.TotalMinutes:0} minutes: a replay"
            : at > now + MaxClockSkew ? $"Timestamp {timestamp} is in the future"
            : null;

    private async Task<X509Certificate2> CertificateAsync(Uri url, CancellationToken cancellationToken)
    {
        if (_certificates.TryGetValue(url.AbsoluteUri, out var known))
        {
            return known;
        }

        using var deadline = new CancellationTokenSource(FetchTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await FetchAsync(url, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"the certificate at '{url}' was not fetched within {FetchTimeout.TotalSeconds:0} s", e);
        }
    }

    private async Task<X509Certificate2> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        using var client = clients.CreateClient(ClientName);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode is >= 300 and < 400)
        {
            throw new HttpRequestException($"the certificate at '{url}' redirects elsewhere ({(int)response.StatusCode}); redirects are not followed");
        }

        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxCertificateBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            if (length > MaxCertificateBytes)
            {
                throw new HttpRequestException($"the certificate at '{url}' is larger than {MaxCertificateBytes} bytes");
            }

            X509Certificate2 certificate;
            try
            {
                certificate = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(buffer, 0, length));
            }
            catch (CryptographicException e)
            {
                throw new HttpRequestException($"the certificate at '{url}' is not a PEM certificate: {e.Message}", e);
            }

            return _certificates.GetOrAdd(url.AbsoluteUri, certificate);
        }
    }
}
