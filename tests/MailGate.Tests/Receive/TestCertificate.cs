using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailGate.Tests.Receive;

/// <summary>Self-signed certificates written as PEM certificate and key files, for STARTTLS tests.</summary>
internal static class TestCertificate
{
    /// <summary>
    /// Writes a new self-signed certificate for <paramref name="name"/> to <paramref name="certificatePath"/>
    /// and its key to <paramref name="keyPath"/>; returns its thumbprint. Each write moves the files'
    /// modification time forward, so a reload check sees the change whatever the clock's resolution.
    /// </summary>
    public static string Write(string name, string certificatePath, string keyPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        var stamp = NextStamp(certificatePath);
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.SetLastWriteTimeUtc(certificatePath, stamp);
        File.SetLastWriteTimeUtc(keyPath, stamp);
        return certificate.Thumbprint;
    }

    /// <summary>Overwrites both files with something that is not a certificate.</summary>
    public static void WriteGarbage(string certificatePath, string keyPath)
    {
        var stamp = NextStamp(certificatePath);
        File.WriteAllText(certificatePath, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        File.WriteAllText(keyPath, "garbage");
        File.SetLastWriteTimeUtc(certificatePath, stamp);
        File.SetLastWriteTimeUtc(keyPath, stamp);
    }

    private static DateTime NextStamp(string path) =>
        File.Exists(path) ? File.GetLastWriteTimeUtc(path).AddSeconds(10) : DateTime.UtcNow;
}
