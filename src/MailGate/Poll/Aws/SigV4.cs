using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime.Internal.Auth;

namespace MailGate.Poll.Aws;

/// <summary>
/// Signs an <see cref="HttpRequestMessage"/> with AWS Signature Version 4 (header form). MailGate builds
/// the canonical request; the SDK's <see cref="AWS4Signer.ComputeSignature(string, string, string, DateTime, string, string, string)"/>
/// derives the key and computes the signature. Checked against AWS's SigV4 test suite.
/// </summary>
/// <remarks>
/// Signed: <c>host</c>, every request header except those that proxies may change
/// (<c>user-agent</c>, <c>expect</c>, <c>x-amzn-trace-id</c>, <c>authorization</c>), and the content
/// headers present (<c>content-type</c>, and <c>content-length</c> when set). The body must be the
/// bytes passed in. Paths are taken as already normalised (MailGate only POSTs to <c>/</c>).
/// </remarks>
internal static class SigV4
{
    private static readonly HashSet<string> Unsigned = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "user-agent", "expect", "x-amzn-trace-id", "transfer-encoding", "connection",
    };

    /// <summary>
    /// Adds <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (for temporary credentials), optionally
    /// <c>x-amz-content-sha256</c>, and <c>Authorization</c> to <paramref name="request"/>.
    /// </summary>
    public static void Sign(
        HttpRequestMessage request,
        ReadOnlySpan<byte> body,
        AwsCredentials credentials,
        string region,
        string service,
        DateTimeOffset now,
        bool addContentSha256 = false)
    {
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        var signedAt = now.UtcDateTime;
        request.Headers.Remove("Authorization");
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", signedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        if (credentials.SessionToken is { } token)
        {
            request.Headers.Remove("X-Amz-Security-Token");
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        if (addContentSha256)
        {
            request.Headers.Remove("x-amz-content-sha256");
            request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        }

        var (canonical, signedHeaders) = CanonicalRequest(request, payloadHash);
        var result = AWS4Signer.ComputeSignature(
            credentials.AccessKeyId, credentials.SecretAccessKey, region, signedAt, service, signedHeaders, canonical);
        request.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
    }

    /// <summary>The canonical request of SigV4 for <paramref name="request"/>, and its signed-headers list.</summary>
    public static (string CanonicalRequest, string SignedHeaders) CanonicalRequest(HttpRequestMessage request, string payloadHash)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var headers = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string name, IEnumerable<string> values)
        {
            var key = name.ToLowerInvariant();
            if (Unsigned.Contains(key))
            {
                return;
            }

            if (!headers.TryGetValue(key, out var list))
            {
                headers[key] = list = [];
            }

            list.AddRange(values.Select(Trim));
        }

        Add("host", [request.Headers.Host ?? (uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port.ToString(CultureInfo.InvariantCulture)}")]);
        foreach (var header in request.Headers.NonValidated)
        {
            if (!header.Key.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                Add(header.Key, header.Value);
            }
        }

        if (request.Content is { } content)
        {
            foreach (var header in content.Headers.NonValidated)
            {
                Add(header.Key, header.Value);
            }
        }

        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(string.IsNullOrEmpty(uri.AbsolutePath) ? "/" : uri.AbsolutePath).Append('\n')
            .Append(CanonicalQuery(uri.Query)).Append('\n');
        foreach (var (name, values) in headers)
        {
            canonical.Append(name).Append(':').Append(string.Join(',', values)).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return (canonical.ToString(), signedHeaders);
    }

    /// <summary>Parameters sorted by name, then value; names and values percent-encoded per RFC 3986.</summary>
    private static string CanonicalQuery(string query)
    {
        if (query.Length <= 1)
        {
            return "";
        }

        var pairs = query[1..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? pair : pair[..equals];
                var value = equals < 0 ? "" : pair[(equals + 1)..];
                return (Name: Encode(name), Value: Encode(value));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => $"{p.Name}={p.Value}"));
    }

    private static string Encode(string text) => Uri.EscapeDataString(Uri.UnescapeDataString(text));

    /// <summary>Trims the value and collapses runs of spaces into one, as SigV4 asks.</summary>
    private static string Trim(string value)
    {
        var text = value.Trim();
        if (!text.Contains("  ", StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c != ' ' || builder.Length == 0 || builder[^1] != ' ')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
