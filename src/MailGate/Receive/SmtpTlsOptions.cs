namespace MailGate.Receive;

/// <summary>STARTTLS for the SMTP listener (configuration section <c>Smtp:Tls</c>).</summary>
public sealed class SmtpTlsOptions
{
    /// <summary>
    /// The server certificate, PEM (the first certificate in the file is used). STARTTLS is advertised only
    /// when it and <see cref="KeyPath"/> are set. The files are re-read when they change (checked on each
    /// new connection), so a renewed certificate needs no restart.
    /// </summary>
    /// <value>Empty: no STARTTLS.</value>
    public string CertificatePath { get; set; } = "";

    /// <summary>The certificate's private key, PEM (PKCS#8, PKCS#1 or SEC1, unencrypted).</summary>
    /// <value>Empty.</value>
    public string KeyPath { get; set; } = "";

    /// <summary>
    /// Whether MAIL FROM must wait until STARTTLS has been done (<c>530 5.7.0</c> before that).
    /// Needs <see cref="CertificatePath"/> and <see cref="KeyPath"/>.
    /// </summary>
    /// <value>false.</value>
    public bool Required { get; set; }

    /// <summary>Whether a certificate is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(KeyPath);
}
