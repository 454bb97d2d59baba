using System.Net;
using Microsoft.Extensions.Options;

namespace MailGate.Receive;

/// <summary>Checks <see cref="SmtpOptions"/> at start-up; each failure names its configuration key.</summary>
internal sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        var failures = new List<string>();
        if (!IPAddress.TryParse(options.Address, out _))
        {
            failures.Add($"Smtp:Address must be an IP address (is '{options.Address}')");
        }

        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"Smtp:Port must be between 0 and 65535 (is {options.Port})");
        }

        if (string.IsNullOrWhiteSpace(options.ServerName) || options.ServerName.Any(char.IsWhiteSpace))
        {
            failures.Add($"Smtp:ServerName must be a host name without spaces (is '{options.ServerName}')");
        }

        if (options.MaxMessageSize < 1024)
        {
            failures.Add($"Smtp:MaxMessageSize must be at least 1024 bytes (is {options.MaxMessageSize})");
        }

        if (options.MaxHeaderSize < 1024 || options.MaxHeaderSize > options.MaxMessageSize)
        {
            failures.Add($"Smtp:MaxHeaderSize must be at least 1024 bytes and at most Smtp:MaxMessageSize (is {options.MaxHeaderSize})");
        }

        foreach (var entry in options.AcceptedRecipients)
        {
            if (!RecipientPolicy.IsValidEntry(entry))
            {
                failures.Add($"Smtp:AcceptedRecipients: '{entry}' is neither an address (user@example.com) nor a domain (@example.com)");
            }
        }

        if (options.SessionTimeout < TimeSpan.FromSeconds(10))
        {
            failures.Add($"Smtp:SessionTimeout must be at least 00:00:10 (is {options.SessionTimeout})");
        }

        if (options.CommandTimeout < TimeSpan.FromSeconds(1))
        {
            failures.Add($"Smtp:CommandTimeout must be at least 00:00:01 (is {options.CommandTimeout})");
        }

        if (options.ShutdownGrace < TimeSpan.Zero || options.ShutdownGrace > TimeSpan.FromSeconds(25))
        {
            failures.Add($"Smtp:ShutdownGrace must be between 00:00:00 and 00:00:25 (is {options.ShutdownGrace})");
        }

        if (options.MaxErrors < 1)
        {
            failures.Add($"Smtp:MaxErrors must be at least 1 (is {options.MaxErrors})");
        }

        if (options.MaxConnections < 1)
        {
            failures.Add($"Smtp:MaxConnections must be at least 1 (is {options.MaxConnections})");
        }

        if (options.MaxConnectionsPerClient < 1 || (options.MaxConnections >= 1 && options.MaxConnectionsPerClient > options.MaxConnections))
        {
            failures.Add($"Smtp:MaxConnectionsPerClient must be at least 1 and at most Smtp:MaxConnections (is {options.MaxConnectionsPerClient})");
        }

        foreach (var entry in options.AllowedClients)
        {
            if (!ClientGate.TryParseNetwork(entry, out _))
            {
                failures.Add($"Smtp:AllowedClients: '{entry}' is not a network in CIDR form (192.0.2.0/24, 2001:db8::/32) or an IP address");
            }
        }

        if (options.MaxRecipients < 1)
        {
            failures.Add($"Smtp:MaxRecipients must be at least 1 (is {options.MaxRecipients})");
        }

        ValidateTls(options.Tls, failures);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateTls(SmtpTlsOptions tls, List<string> failures)
    {
        if (!tls.Enabled)
        {
            if (tls.Required)
            {
                failures.Add("Smtp:Tls:Required needs Smtp:Tls:CertificatePath and Smtp:Tls:KeyPath");
            }

            return;
        }

        if (string.IsNullOrWhiteSpace(tls.CertificatePath) || string.IsNullOrWhiteSpace(tls.KeyPath))
        {
            failures.Add("Smtp:Tls:CertificatePath and Smtp:Tls:KeyPath must be set together");
            return;
        }

        if (!PemCertificateFactory.TryLoad(tls.CertificatePath, tls.KeyPath, out var certificate, out var error))
        {
            failures.Add($"Smtp:Tls:CertificatePath/Smtp:Tls:KeyPath: cannot load the certificate and key ({error})");
            return;
        }

        certificate.Dispose();
    }
}
