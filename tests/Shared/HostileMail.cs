using MimeKit;

namespace MailGate.Tests.Shared;

/// <summary>
/// Issue #11 §1's "3 KB mail that stopped all paging": <see cref="Signatures"/> DKIM-Signature headers
/// with correct body hashes and an ARC set, every selector in a zone whose DNS never answers.
/// </summary>
public static class HostileMail
{
    /// <summary>How many DKIM signatures it carries (MailAuthenticator checks at most 10).</summary>
    public const int Signatures = 10;

    /// <summary>Signs <paramref name="message"/> in place with selectors <c>s0…s9</c> of <paramref name="zone"/> and an ARC set by <c>arc</c> of it.</summary>
    /// <returns>The DNS names of the keys it names, e.g. <c>s0._domainkey.{zone}</c>.</returns>
    public static IReadOnlyList<string> Sign(MimeMessage message, string zone)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = TestKeys.Ed25519();
        var names = new List<string>();
        for (var i = 0; i < Signatures; i++)
        {
            Signers.DkimSign(message, key.Private, zone, $"s{i}");
            names.Add($"s{i}._domainkey.{zone}");
        }

        Signers.ArcSeal(message, key.Private, zone, "arc", "dmarc=pass header.from=amazon.com");
        names.Add($"arc._domainkey.{zone}");
        return names;
    }
}
