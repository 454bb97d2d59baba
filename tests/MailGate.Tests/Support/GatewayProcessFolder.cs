using MailGate.Tests.Shared;

namespace MailGate.Tests.Support;

/// <summary>
/// What a gateway run as its own process (<see cref="GatewayProcess"/>) needs around it: a fresh temporary
/// folder holding <c>rules.yaml</c> and the spool, and a DNS server on loopback; <see cref="Settings"/>
/// points the gateway at them (ports 0). Dispose deletes the folder and stops the DNS server.
/// </summary>
public sealed class GatewayProcessFolder : IDisposable
{
    private readonly TinyDnsServer _dns = new();

    /// <summary>Creates the folder with <paramref name="rules"/> as its <c>rules.yaml</c>.</summary>
    public GatewayProcessFolder(string rules)
    {
        Folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "rules.yaml"), rules);
    }

    /// <summary>The DNS server the gateway asks for DKIM/ARC keys (answers "no such record" unless a test gives it a key).</summary>
    public TinyDnsServer Dns => _dns;

    /// <summary>The folder's full path.</summary>
    public string Folder { get; }

    /// <summary>The command-line settings for a gateway using this folder, <paramref name="pagerDuty"/> and the DNS server, then <paramref name="more"/>.</summary>
    public string[] Settings(FakePagerDuty pagerDuty, params string[] more) =>
    [
        "--Smtp:Port=0",
        "--Http:Url=http://127.0.0.1:0",
        $"--Spool:Path={Path.Combine(Folder, "spool")}",
        $"--Rules:Path={Path.Combine(Folder, "rules.yaml")}",
        $"--PagerDuty:EventsUrl={pagerDuty.EventsUrl}",
        $"--Trust:DnsServers:0={_dns.EndPoint}",
        .. more,
    ];

    /// <inheritdoc/>
    public void Dispose()
    {
        _dns.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
