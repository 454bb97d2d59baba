using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using SmtpServer;

namespace MailGate.Receive;

/// <summary>
/// The STARTTLS certificate from a PEM certificate file and a PEM key file. SmtpServer asks for it on
/// each STARTTLS, and each time the files' modification times and sizes are compared with those last
/// loaded: a renewed certificate is picked up by the next connection without a restart or a watcher
/// thread. If the new files cannot be loaded (say, the certificate was replaced before its key), the last
/// good certificate stays in use and the failure is logged once per change.
/// </summary>
internal sealed class PemCertificateFactory : ICertificateFactory
{
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private X509Certificate2 _current;
    private FileStamp _loaded;
    private FileStamp _failed;

    public PemCertificateFactory(string certificatePath, string keyPath, ILogger logger)
    {
        _certificatePath = certificatePath;
        _keyPath = keyPath;
        _logger = logger;
        _loaded = Stamp();
        if (!TryLoad(certificatePath, keyPath, out var certificate, out var error))
        {
            throw new InvalidOperationException($"Cannot load the certificate {certificatePath} with key {keyPath}: {error}");
        }

        _current = certificate;
    }

    /// <summary>The certificate in use now.</summary>
    public X509Certificate2 Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    public X509Certificate GetServerCertificate(ISessionContext sessionContext)
    {
        lock (_lock)
        {
            var stamp = Stamp();
            if (stamp == _loaded || stamp == _failed)
            {
                return _current;
            }

            if (TryLoad(_certificatePath, _keyPath, out var certificate, out var error))
            {
                // The previous certificate is not disposed: a handshake may still be using it.
                _current = certificate;
                _loaded = stamp;
                _failed = default;
                Log.CertificateLoaded(_logger, _certificatePath, certificate.Subject, certificate.Thumbprint, certificate.NotAfter);
            }
            else
            {
                _failed = stamp;
                Log.CertificateReloadFailed(_logger, _certificatePath, _keyPath, error, _current.Thumbprint);
            }

            return _current;
        }
    }

    /// <summary>Loads a PEM certificate and its key; false with the reason when they cannot be used.</summary>
    public static bool TryLoad(string certificatePath, string keyPath, [NotNullWhen(true)] out X509Certificate2? certificate, [NotNullWhen(false)] out string? error)
    {
        certificate = null;
        try
        {
            var loaded = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (OperatingSystem.IsWindows())
            {
                // SChannel cannot use the ephemeral key a PEM import gives; a PKCS#12 round trip persists it.
                using var ephemeral = loaded;
                loaded = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
            }

            certificate = loaded;
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            error = e.Message;
            return false;
        }
    }

    private FileStamp Stamp() => new(Of(_certificatePath), Of(_keyPath));

    private static (DateTime Modified, long Length) Of(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? (file.LastWriteTimeUtc, file.Length) : default;
    }

    private readonly record struct FileStamp((DateTime Modified, long Length) Certificate, (DateTime Modified, long Length) Key);
}
