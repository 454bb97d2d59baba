using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using MailGate.Http;
using Microsoft.AspNetCore.Http;

namespace MailGate.Status;

/// <summary>
/// Who may read <c>/status</c> and <c>/api/v1</c>. On a loopback-only <c>Http:Url</c> (the default) anyone who
/// can reach the port: the host's own users. Otherwise only a request with <c>Http:StatusToken</c> as a bearer
/// token, or with the session cookie the login form sets (an HMAC of the token, HttpOnly, SameSite=Strict); and
/// without a configured token the status surface is not there at all (404).
/// </summary>
internal sealed class StatusAccess
{
    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "mailgate_status";

    /// <summary>Failed token attempts (wrong bearer token, wrong session cookie, wrong login) allowed per client address and minute.</summary>
    public const int FailuresPerMinute = 10;

    private readonly byte[]? _tokenHash;
    private readonly string? _session;

    // Per client address; a token bucket refilled once a minute. Only failures take from it, so a user who has the
    // token is never slowed, and one guessing it gets 10 tries a minute (429 after), not thousands a second.
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = FailuresPerMinute,
            TokensPerPeriod = FailuresPerMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Reads the options once: the token (from <see cref="HttpOptions.StatusToken"/> or its file) and whether every URL is loopback.</summary>
    /// <exception cref="Startup.StartupException">The token file cannot be read.</exception>
    public StatusAccess(HttpOptions options)
    {
        LoopbackOnly = IsLoopbackOnly(options.Url);
        var token = options.StatusToken;
        if (string.IsNullOrWhiteSpace(token) && !string.IsNullOrWhiteSpace(options.StatusTokenFile))
        {
            try
            {
                token = File.ReadAllText(options.StatusTokenFile).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new Startup.StartupException($"Http:StatusTokenFile cannot be read: {e.Message}");
            }
        }

        if (!string.IsNullOrWhiteSpace(token))
        {
            var bytes = Encoding.UTF8.GetBytes(token.Trim());
            _tokenHash = SHA256.HashData(bytes);
            _session = Convert.ToHexStringLower(HMACSHA256.HashData(bytes, "mailgate status session"u8));
        }
    }

    /// <summary>Whether the listener is on loopback addresses only.</summary>
    public bool LoopbackOnly { get; }

    /// <summary>Whether a token is configured.</summary>
    public bool HasToken => _tokenHash is not null;

    /// <summary>Whether the status surface exists on this listener: loopback only, or a token is configured.</summary>
    public bool Served => LoopbackOnly || HasToken;

    /// <summary>The cookie value a login sets (never the token itself); null without a token.</summary>
    public string? Session => _session;

    /// <summary>
    /// Whether <paramref name="context"/> may read: loopback only, or the bearer token or session cookie matches. A
    /// bearer token or session cookie that does not match counts as a failed attempt of its client (<see cref="Throttled"/>).
    /// </summary>
    public bool Allows(HttpContext context)
    {
        if (LoopbackOnly)
        {
            return true;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            if (Matches(header["Bearer ".Length..].Trim()))
            {
                return true;
            }

            Failed(context);
        }

        if (context.Request.Cookies.TryGetValue(CookieName, out var cookie) && cookie is not null)
        {
            if (_session is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(cookie), Encoding.ASCII.GetBytes(_session)))
            {
                return true;
            }

            Failed(context);
        }

        return false;
    }

    /// <summary>
    /// Whether the client of <paramref name="context"/> (its remote address) used up its <see cref="FailuresPerMinute"/>
    /// failed attempts: then a request that offers a token, cookie or login is answered 429 without being checked.
    /// </summary>
    public bool Throttled(HttpContext context)
    {
        // Not AttemptAcquire(…, 0): the token bucket refills in fractions between its periods, and a zero-token
        // acquire succeeds on any fraction above 0 — about 100 ms after the tenth failure every guess was checked
        // again. Whole tokens left is what decides.
        return _failures.GetStatistics(ClientOf(context)) is { CurrentAvailablePermits: < 1 };
    }

    /// <summary>Whether <paramref name="candidate"/> is the token; a wrong one counts as a failed attempt of the client of <paramref name="context"/>.</summary>
    public bool Attempt(HttpContext context, string? candidate)
    {
        if (Matches(candidate))
        {
            return true;
        }

        Failed(context);
        return false;
    }

    /// <summary>Whether the request offers a credential to check: a bearer token or the session cookie.</summary>
    public static bool OffersCredential(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 || request.Cookies.ContainsKey(CookieName);

    private void Failed(HttpContext context)
    {
        using var lease = _failures.AttemptAcquire(ClientOf(context), 1);
    }

    private static string ClientOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>
    /// Whether a request naming <paramref name="host"/> may reach the status surface. On a loopback-only listener only
    /// a loopback name (<c>localhost</c>, 127.0.0.0/8, <c>[::1]</c>): a page of another site whose name an attacker
    /// re-binds to 127.0.0.1 (DNS rebinding) would otherwise read the page and pass the same-origin checks. Off
    /// loopback the token guards it, and any name the load balancer uses passes.
    /// </summary>
    public bool HostAllowed(HostString host)
    {
        if (!LoopbackOnly)
        {
            return true;
        }

        var name = host.Host.TrimStart('[').TrimEnd(']');
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(name, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>Whether <paramref name="candidate"/> is the token: their SHA-256 hashes compared in constant time, so neither the token's content nor its length shows in the time taken.</summary>
    public bool Matches(string? candidate) =>
        _tokenHash is not null && candidate is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(candidate.Trim())), _tokenHash);

    /// <summary>Whether every address of <paramref name="url"/> (several joined by <c>;</c>) is loopback: <c>localhost</c>, 127.0.0.0/8 or ::1. Pure.</summary>
    public static bool IsLoopbackOnly(string url) =>
        url.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(address =>
        {
            try
            {
                var host = BindingAddress.Parse(address).Host.TrimStart('[').TrimEnd(']');
                return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
            }
            catch (FormatException)
            {
                return false;
            }
        });
}
