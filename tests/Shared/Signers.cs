using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailGate.Tests.Shared;

/// <summary>Signs and seals messages offline with fixed timestamps.</summary>
public static class Signers
{
    /// <summary>2026-11-10T11:14:07Z, the <c>t=</c> of every test signature.</summary>
    public const long Timestamp = 1794654847;

    public static readonly string[] SignedHeaders = ["From", "To", "Subject", "Date", "Message-ID"];

    /// <summary>Adds a DKIM-Signature by <paramref name="domain"/>.</summary>
    public static void DkimSign(MimeMessage message, AsymmetricKeyParameter privateKey, string domain, string selector,
        DkimSignatureAlgorithm algorithm = DkimSignatureAlgorithm.Ed25519Sha256)
    {
        var signer = new FixedTimeDkimSigner(privateKey, domain, selector, algorithm)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        signer.Sign(message, SignedHeaders);
    }

    /// <summary>Adds an ARC set by <paramref name="domain"/> whose ARC-Authentication-Results carry <paramref name="results"/> (RFC 8601, after the authserv-id).</summary>
    public static void ArcSeal(MimeMessage message, AsymmetricKeyParameter privateKey, string domain, string selector, string results) =>
        new FixedArcSigner(privateKey, domain, selector, "mx." + domain + "; " + results).Sign(message, SignedHeaders);

    /// <summary>The message as bytes on the wire (CRLF).</summary>
    public static byte[] ToBytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, stream);
        return stream.ToArray();
    }

    /// <summary>Loads <paramref name="raw"/> the way the gateway does (persistent).</summary>
    public static MimeMessage Load(byte[] raw) => MimeMessage.Load(new MemoryStream(raw, writable: false), persistent: true);

    /// <summary>Loads the message after replacing <paramref name="find"/> with <paramref name="replace"/> in its bytes.</summary>
    public static MimeMessage LoadTampered(byte[] raw, string find, string replace)
    {
        var text = Encoding.UTF8.GetString(raw);
        if (!text.Contains(find, StringComparison.Ordinal))
        {
            throw new ArgumentException($"the text to tamper with, '{find}', is not in the message", nameof(find));
        }

        return Load(Encoding.UTF8.GetBytes(text.Replace(find, replace, StringComparison.Ordinal)));
    }

    private sealed class FixedTimeDkimSigner(AsymmetricKeyParameter key, string domain, string selector, DkimSignatureAlgorithm algorithm)
        : DkimSigner(key, domain, selector, algorithm)
    {
        protected override long GetTimestamp() => Timestamp;
    }

    private sealed class FixedArcSigner(AsymmetricKeyParameter key, string domain, string selector, string results)
        : ArcSigner(key, domain, selector, DkimSignatureAlgorithm.Ed25519Sha256)
    {
        protected override long GetTimestamp() => Timestamp;

        protected override AuthenticationResults GenerateArcAuthenticationResults(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            AuthenticationResults.Parse(Encoding.UTF8.GetBytes(results));

        protected override Task<AuthenticationResults> GenerateArcAuthenticationResultsAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            Task.FromResult(GenerateArcAuthenticationResults(options, message, cancellationToken));
    }
}
