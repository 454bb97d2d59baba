using System.Net;
using System.Security.Cryptography;
using System.Text;
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

    private readonly byte[]? _token;
    private readonly string? _session;

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
            _token = Encoding.UTF8.GetBytes(token.Trim());
            _session = Convert.ToHexStringLower(HMACSHA256.HashData(_token, "mailgate status session"u8));
        }
    }

    /// <summary>Whether the listener is on loopback addresses only.</summary>
    public bool LoopbackOnly { get; }

    /// <summary>Whether a token is configured.</summary>
    public bool HasToken => _token is not null;

    /// <summary>Whether the status surface exists on this listener: loopback only, or a token is configured.</summary>
    public bool Served => LoopbackOnly || HasToken;

    /// <summary>The cookie value a login sets (never the token itself); null without a token.</summary>
    public string? Session => _session;

    /// <summary>Whether <paramref name="context"/> may read: loopback only, or the bearer token or session cookie matches.</summary>
    public bool Allows(HttpContext context)
    {
        if (LoopbackOnly)
        {
            return true;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Matches(header["Bearer ".Length..].Trim()))
        {
            return true;
        }

        return _session is not null && context.Request.Cookies.TryGetValue(CookieName, out var cookie) && cookie is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(cookie), Encoding.ASCII.GetBytes(_session));
    }

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

    /// <summary>Whether <paramref name="candidate"/> is the token (in constant time for equal lengths).</summary>
    public bool Matches(string? candidate) =>
        _token is not null && candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate.Trim()), _token);

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
