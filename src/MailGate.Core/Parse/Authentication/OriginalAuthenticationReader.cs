using System.Diagnostics.CodeAnalysis;
using MimeKit;
using MimeKit.Cryptography;

namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// Reads the verdict Google recorded on the original author, from headers whose only warrant is an ARC
/// chain that passed. Call it for such messages only.
/// </summary>
/// <remarks>
/// <para>
/// The verdict is read from the <c>i=1</c> ARC-Authentication-Results only: the ARC-Seals cover every
/// ARC header (RFC 8617 §4.1.3), so a chain that passed vouches for it. It records what the first
/// sealer (Google, as the mail entered it) found about the author: <c>dmarc=pass header.from=amazon.com</c>.
/// <c>X-Original-Authentication-Results</c> is never read: no seal covers it, so anyone who holds one
/// sealed message can add a copy of their own below the group's (a forged <c>dmarc=pass</c> on a
/// single-set chain was trusted that way before).
/// </para>
/// <para>
/// The <c>i=1</c> verdict is used only when every seal in the chain is by the same domain as the newest
/// one, so that an outside sealer's <c>i=1</c> claims are not passed off as Google's.
/// </para>
/// </remarks>
internal static class OriginalAuthenticationReader
{
    public const string ArcAuthenticationResultsI1 = "ARC-Authentication-Results i=1";

    /// <param name="headers">The message's headers.</param>
    /// <param name="sealDomains">The <c>d=</c> of each ARC-Seal, by instance (index 0 is <c>i=1</c>), of a chain that passed.</param>
    public static OriginalAuthentication? Read(HeaderList headers, IReadOnlyList<string> sealDomains)
    {
        if (sealDomains.Count == 0)
        {
            return null;
        }

        var newest = sealDomains[^1];
        if (!sealDomains.All(d => d.Equals(newest, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        foreach (var header in headers)
        {
            if (header.Id == HeaderId.ArcAuthenticationResults && TryParse(header.RawValue, out var results) && results.Instance == 1)
            {
                return ToOriginal(results, ArcAuthenticationResultsI1);
            }
        }

        return null;
    }

    /// <summary>Parses RFC 8601 results from a raw header value as received.</summary>
    public static bool TryParse(byte[] rawValue, [NotNullWhen(true)] out AuthenticationResults? results)
    {
        if (AuthenticationResults.TryParse(rawValue, out var parsed) && parsed is not null)
        {
            results = parsed;
            return true;
        }

        results = null;
        return false;
    }

    /// <summary>The dmarc, dkim and spf verdicts of <paramref name="results"/>.</summary>
    public static OriginalAuthentication ToOriginal(AuthenticationResults results, string source)
    {
        var dmarc = results.Results.FirstOrDefault(r => Is(r, "dmarc"));
        var spf = results.Results.FirstOrDefault(r => Is(r, "spf"));
        var dkimPass = results.Results
            .Where(r => Is(r, "dkim") && string.Equals(r.Result, "pass", StringComparison.OrdinalIgnoreCase))
            .Select(DkimDomain)
            .Where(d => d.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        return new OriginalAuthentication(
            Lower(dmarc?.Result),
            dmarc is null ? "" : Lower(Property(dmarc, "header", "from")),
            dkimPass,
            Lower(spf?.Result))
        {
            Source = source,
        };
    }

    private static bool Is(AuthenticationMethodResult result, string method) =>
        string.Equals(result.Method, method, StringComparison.OrdinalIgnoreCase);

    /// <summary>The domain of <c>header.i=@domain</c> (or <c>user@domain</c>), else <c>header.d=</c>.</summary>
    private static string DkimDomain(AuthenticationMethodResult result)
    {
        var identity = Property(result, "header", "i");
        if (identity.Length > 0)
        {
            return Lower(identity[(identity.LastIndexOf('@') + 1)..]);
        }

        return Lower(Property(result, "header", "d"));
    }

    private static string Property(AuthenticationMethodResult result, string type, string property) =>
        result.Properties.FirstOrDefault(p =>
            string.Equals(p.PropertyType, type, StringComparison.OrdinalIgnoreCase)
            && string.Equals(p.Property, property, StringComparison.OrdinalIgnoreCase))?.Value ?? "";

    private static string Lower(string? value) => (value ?? "").Trim().ToLowerInvariant();
}
