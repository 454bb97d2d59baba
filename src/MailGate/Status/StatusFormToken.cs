using System.Security.Cryptography;
using System.Text;
using MailGate.Core.Storage;
using Microsoft.AspNetCore.Http;

namespace MailGate.Status;

/// <summary>
/// The Retry form's anti-forgery token, verifiable by every replica that shares the storage: a signed double
/// submit. The browser holds a random nonce in an HttpOnly, SameSite=Strict cookie (<see cref="CookieName"/>);
/// the form carries HMAC-SHA256(key, nonce). The 32-byte key is the storage's feature state
/// <see cref="Feature"/> (a file in the spool's <c>features/</c> folder, or a row of PostgreSQL's feature table),
/// made by the first replica that needs it and read on each use, so any replica on the same storage checks a
/// form another replica served. A page of another site can neither read the cookie nor compute the HMAC.
/// </summary>
internal sealed class StatusFormToken(IFeatureState state)
{
    /// <summary>The nonce cookie's name.</summary>
    public const string CookieName = "status_form";

    /// <summary>The form field that carries the token.</summary>
    public const string FieldName = "csrf";

    /// <summary>The feature-state document holding the key.</summary>
    public const string Feature = "status-form-key";

    private const int KeyBytes = 32;

    /// <summary>The token for this browser's form, setting the nonce cookie when it has none (or a malformed one).</summary>
    /// <exception cref="IOException">The key cannot be read or written.</exception>
    public string Issue(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var nonce) || !IsNonce(nonce))
        {
            nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            context.Response.Cookies.Append(CookieName, nonce, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/status",
                Secure = context.Request.IsHttps,
            });
        }

        return Sign(Key(), nonce!);
    }

    /// <summary>Whether the form posted in <paramref name="context"/> carries the token of its nonce cookie (constant time).</summary>
    /// <exception cref="IOException">The key cannot be read.</exception>
    public async Task<bool> IsValidAsync(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var nonce) || !IsNonce(nonce) || !context.Request.HasFormContentType)
        {
            return false;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var posted = form[FieldName].ToString();
        var expected = Sign(Key(), nonce!);
        return posted.Length == expected.Length
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(posted), Encoding.ASCII.GetBytes(expected));
    }

    /// <summary>The token of <paramref name="nonce"/> under <paramref name="key"/>: lower-case hex of HMAC-SHA256. Pure.</summary>
    public static string Sign(ReadOnlySpan<byte> key, string nonce) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes("mailgate status form " + nonce)));

    private static bool IsNonce(string? value) => value is { Length: 32 } && value.All(char.IsAsciiHexDigitLower);

    /// <summary>The shared key: read from the storage; made and written when absent, then read back (so two replicas racing to make it end up on the last one written).</summary>
    private byte[] Key()
    {
        if (state.ReadFeatureState(Feature) is { Length: KeyBytes } key)
        {
            return key;
        }

        state.WriteFeatureState(Feature, RandomNumberGenerator.GetBytes(KeyBytes));
        return state.ReadFeatureState(Feature) is { Length: KeyBytes } written ? written : throw new IOException($"The storage did not keep the feature state {Feature}.");
    }
}
