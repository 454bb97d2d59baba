using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace MailGate.Tests.Shared;

/// <summary>Locally generated signing keys and the DNS TXT records that publish them.</summary>
public static class TestKeys
{
    private static readonly Lazy<AsymmetricCipherKeyPair> Rsa = new(() =>
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new KeyGenerationParameters(new SecureRandom(), 2048));
        return generator.GenerateKeyPair();
    });

    /// <summary>A new Ed25519 key pair (fast).</summary>
    public static AsymmetricCipherKeyPair Ed25519()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        return generator.GenerateKeyPair();
    }

    /// <summary>One RSA 2048 key pair, generated once per test run.</summary>
    public static AsymmetricCipherKeyPair Rsa2048() => Rsa.Value;

    /// <summary>The TXT record publishing <paramref name="publicKey"/>: <c>v=DKIM1; k=…; p=…</c>.</summary>
    public static string TxtRecord(AsymmetricKeyParameter publicKey) => publicKey switch
    {
        Ed25519PublicKeyParameters ed => "v=DKIM1; k=ed25519; p=" + Convert.ToBase64String(ed.GetEncoded()),
        _ => "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(publicKey).GetEncoded()),
    };
}
