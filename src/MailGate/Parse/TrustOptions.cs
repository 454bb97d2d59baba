namespace MailGate.Parse;

/// <summary>Verifying where mail came from (configuration section <c>Trust</c>).</summary>
public sealed class TrustOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Trust";

    /// <summary>Whether DKIM signatures and ARC chains are verified (keys looked up in DNS).</summary>
    /// <value>true. With false, every message is untrusted (rules marked <c>trust: required</c> get the untrusted treatment).</value>
    public bool Verify { get; set; } = true;

    /// <summary>The DNS servers asked for DKIM/ARC keys, as <c>address</c> or <c>address:port</c>.</summary>
    /// <value>Empty: the system's resolvers.</value>
    public List<string> DnsServers { get; set; } = [];

    /// <summary>
    /// How long after receipt a message whose verification hit a temporary DNS failure is verified
    /// again (every <c>Spool:ScanInterval</c>) before its verdict is taken as it stands.
    /// </summary>
    /// <value>5 minutes.</value>
    public TimeSpan TempErrorRetryWindow { get; set; } = TimeSpan.FromMinutes(5);
}
