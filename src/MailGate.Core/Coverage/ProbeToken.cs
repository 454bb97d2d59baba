using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace MailGate.Core.Coverage;

/// <summary>
/// The unforgeable mark of a coverage probe (issue #15): <c>mgp1-{account}-{probe}-{sent}-{mac}</c>, where
/// <c>account</c> is the 12-digit AWS account id, <c>probe</c> 16 lower-case hex digits chosen at random per
/// probe, <c>sent</c> the send time in Unix seconds, and <c>mac</c> the first 16 bytes (32 lower-case hex digits)
/// of HMAC-SHA256 (RFC 2104, FIPS 180-4) over <c>mgp1|{account}|{probe}|{sent}</c> with <c>Coverage:ProbeKey</c>.
/// </summary>
/// <remarks>
/// Only letters, digits and dashes, 80 characters at most: it survives Google Groups' subject tagging, header
/// folding (no white space inside) and quoted-printable or base64 bodies. A probe carries it in the
/// <see cref="HeaderName"/> header, in its subject and in its body (<see cref="Find"/> reads the first valid-looking one).
/// Whether a valid token was already used (a replay) is not the token's business: the arrivals' record decides.
/// </remarks>
public static partial class ProbeToken
{
    /// <summary>The header a probe carries its token in.</summary>
    public const string HeaderName = "X-MailGate-Probe";

    /// <summary>The subject's fixed start, followed by a space and the token.</summary>
    public const string SubjectPrefix = "MailGate coverage probe";

    /// <summary>The token's format version and prefix.</summary>
    public const string Prefix = "mgp1";

    private const int MacBytes = 16;

    /// <summary>How far after its arrival a token's send time may lie (the sender's clock ahead of the receiver's) and still be valid.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Makes the token for one probe.</summary>
    /// <param name="key">The probe key (<c>Coverage:ProbeKey</c>, as bytes; at least 16).</param>
    /// <param name="accountId">The 12-digit AWS account id.</param>
    /// <param name="probeId">16 lower-case hex digits (<see cref="NewProbeId"/>).</param>
    /// <param name="sentAt">When the probe is sent (kept to the second).</param>
    /// <exception cref="ArgumentException">The key is shorter than 16 bytes, or the account or probe id is malformed.</exception>
    public static string Create(ReadOnlySpan<byte> key, string accountId, string probeId, DateTimeOffset sentAt)
    {
        if (key.Length < 16)
        {
            throw new ArgumentException("The probe key must have at least 16 bytes.", nameof(key));
        }

        if (!AccountPattern().IsMatch(accountId))
        {
            throw new ArgumentException("The account id must be 12 digits.", nameof(accountId));
        }

        if (!ProbePattern().IsMatch(probeId))
        {
            throw new ArgumentException("The probe id must be 16 lower-case hex digits.", nameof(probeId));
        }

        var seconds = sentAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{Prefix}-{accountId}-{probeId}-{seconds}-{Mac(key, accountId, probeId, seconds)}";
    }

    /// <summary>A fresh random probe id: 16 lower-case hex digits (64 bits from the system's CSPRNG).</summary>
    public static string NewProbeId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The first thing in <paramref name="text"/> shaped like a token (not checked), or null.</summary>
    /// <param name="text">A header value, subject or body text; null reads as empty.</param>
    public static string? Find(string? text) => text is null ? null : TokenPattern().Match(text) is { Success: true } m ? m.Value : null;

    /// <summary>Checks <paramref name="token"/>: its shape, its MAC (in constant time) and its age.</summary>
    /// <param name="key">The probe key.</param>
    /// <param name="token">The token as found (<see cref="Find"/>).</param>
    /// <param name="now">The time of arrival.</param>
    /// <param name="maxAge">The longest a token stays valid after its send time (<c>Coverage:Deadline</c> plus a margin).</param>
    /// <returns>The verdict, with the account, probe id and send time when the shape is right.</returns>
    public static ProbeTokenCheck Verify(ReadOnlySpan<byte> key, string token, DateTimeOffset now, TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(token);
        var match = TokenPattern().Match(token);
        if (!match.Success || match.Length != token.Length ||
            !long.TryParse(match.Groups["sent"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ||
            seconds > 253402300799)
        {
            return new ProbeTokenCheck(ProbeTokenVerdict.Malformed, "", "", default);
        }

        var account = match.Groups["account"].Value;
        var probe = match.Groups["probe"].Value;
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var expected = Convert.FromHexString(Mac(key, account, probe, match.Groups["sent"].Value));
        var given = Convert.FromHexString(match.Groups["mac"].Value);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return new ProbeTokenCheck(ProbeTokenVerdict.BadMac, account, probe, sentAt);
        }

        // A tolerance for the clocks of the sending and the receiving replica: a token "from the future" by more than
        // FutureTolerance is refused too. Only this installation can make a valid token, so the tolerance opens nothing
        // to others; too tight a one would make every probe "expired" (every account missing, one page each) whenever the
        // leader's clock runs a little ahead of a receiver's.
        var age = now - sentAt;
        var verdict = age > maxAge || age < -FutureTolerance ? ProbeTokenVerdict.Expired : ProbeTokenVerdict.Valid;
        return new ProbeTokenCheck(verdict, account, probe, sentAt);
    }

    private static string Mac(ReadOnlySpan<byte> key, string account, string probe, string seconds)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{Prefix}|{account}|{probe}|{seconds}"), mac);
        return Convert.ToHexStringLower(mac[..MacBytes]);
    }

    [GeneratedRegex(@"mgp1-(?<account>[0-9]{12})-(?<probe>[0-9a-f]{16})-(?<sent>[0-9]{1,12})-(?<mac>[0-9a-f]{32})(?![0-9a-zA-Z])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^[0-9]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountPattern();

    [GeneratedRegex("^[0-9a-f]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex ProbePattern();
}

/// <summary>What <see cref="ProbeToken.Verify"/> found.</summary>
public enum ProbeTokenVerdict
{
    /// <summary>Not a token.</summary>
    Malformed,

    /// <summary>Shaped right, but not made with this probe key (forged, or made by another installation).</summary>
    BadMac,

    /// <summary>Made with this key, but older than the allowed age (or more than <see cref="ProbeToken.FutureTolerance"/> in the future).</summary>
    Expired,

    /// <summary>Made with this key and within its age: a real probe, unless it was already used (the caller's check).</summary>
    Valid,
}

/// <summary>The verdict on a token and what it names.</summary>
/// <param name="Verdict">The verdict.</param>
/// <param name="AccountId">The 12-digit account id it names; empty when <see cref="ProbeTokenVerdict.Malformed"/>.</param>
/// <param name="ProbeId">The probe id it names; empty when malformed.</param>
/// <param name="SentAt">The send time it names; default when malformed.</param>
public readonly record struct ProbeTokenCheck(ProbeTokenVerdict Verdict, string AccountId, string ProbeId, DateTimeOffset SentAt);
