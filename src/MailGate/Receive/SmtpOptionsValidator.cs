using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace MailGate.Receive;

/// <summary>Checks <see cref="SmtpOptions"/> at start-up; each failure names its configuration key.</summary>
internal sealed partial class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    /// <summary>The largest <see cref="SmtpOptions.MaxHeaderSize"/>: MimeKit parses a 1 MiB folded header in about 2.5 s.</summary>
    public const int MaxHeaderSizeCeiling = 1024 * 1024;

    /// <summary>The largest <see cref="SmtpOptions.MaxMessageSize"/>: 1 GiB (values near 2 GiB overflowed at run time).</summary>
    public const int MaxMessageSizeLimit = 1024 * 1024 * 1024;

    /// <summary>Whether <paramref name="name"/> is a DNS host name (RFC 1123 labels), so it can stand in an address.</summary>
    public static bool IsHostName(string? name) => name is { Length: > 0 and <= 253 } && HostName().IsMatch(name);

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

        if (!IsHostName(options.ServerName))
        {
            failures.Add($"Smtp:ServerName must be a host name: letters, digits and hyphens, labels joined by dots, e.g. mx.example.com (is '{options.ServerName}')");
        }

        if (options.MaxMessageSize is < 1024 or > MaxMessageSizeLimit)
        {
            // A message is held in memory while it arrives (and counted in an int): a gibibyte is already far more than any mail.
            failures.Add($"Smtp:MaxMessageSize must be between 1024 and {MaxMessageSizeLimit} bytes (is {options.MaxMessageSize})");
        }

        if (options.MaxHeaderSize is < 1024 or > MaxHeaderSizeCeiling)
        {
            failures.Add($"Smtp:MaxHeaderSize must be between 1024 and {MaxHeaderSizeCeiling} bytes (is {options.MaxHeaderSize}): the parser reads larger header sections too slowly");
        }
        else if (options.MaxHeaderSize > options.MaxMessageSize && options.MaxMessageSize >= 1024)
        {
            failures.Add($"Smtp:MaxHeaderSize ({options.MaxHeaderSize}) must not be larger than Smtp:MaxMessageSize ({options.MaxMessageSize}): lower Smtp:MaxHeaderSize too");
        }

        if (options.MaxMessageSize is >= 1024 and <= MaxMessageSizeLimit && options.MaxDataInFlight < DataBudget.SmallestLimitFor(options.MaxMessageSize))
        {
            failures.Add($"Smtp:MaxDataInFlight ({options.MaxDataInFlight}) must be at least {DataBudget.SmallestLimitFor(options.MaxMessageSize)} for Smtp:MaxMessageSize ({options.MaxMessageSize}): a message of the largest size could never be accepted (messages over 1 MiB may not use the quarter of it, at most 16 MiB, kept for small ones)");
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
        else if (options.CommandTimeout > options.SessionTimeout && options.SessionTimeout >= TimeSpan.FromSeconds(10))
        {
            failures.Add($"Smtp:CommandTimeout ({options.CommandTimeout}) must not be longer than Smtp:SessionTimeout ({options.SessionTimeout})");
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

    [GeneratedRegex(@"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex HostName();
}
