using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Collections.Concurrent;
using System.Net;
using MailGate.Hosting;
using MailGate.Process;
using MailGate.Receive;
using MailGate.Spool;
using MailGate.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Support;

/// <summary>
/// Runs the real gateway host in-process on free loopback ports, with its own spool folder and rules
/// file, pointed at a fake PagerDuty. Dispose stops it; the folder survives until <see cref="DeleteFolder"/>.
/// </summary>
public sealed class GatewayHarness : IAsyncDisposable
{
    public const string RoutingKey = "R0123456789abcdef0123456789abcde";

    /// <summary>Rules with one route, <c>oncall</c>, and one rule <paramref name="rule"/> that pages every subject starting with <paramref name="prefix"/>.</summary>
    public static string SubjectPrefixRules(string rule, string prefix) => $$"""
        version: 1
        routes:
          oncall:
            pagerduty:
              routing_key: {{RoutingKey}}
        rules:
          - name: {{rule}}
            when: { subject: { starts_with: "{{prefix}}" } }
            route: oncall
        """;

    public const string DefaultRules = $$"""
        version: 1
        routes:
          security-oncall:
            pagerduty:
              routing_key: {{RoutingKey}}
              severity: critical
        rules:
          - name: aws-abuse-report
            when:
              sender: { ends_with: "@amazon.com" }
              subject: { contains: "Abuse Report" }
            summary: "AWS abuse report for {account_id}: {subject}"
            route: security-oncall
          - name: everything-else
            action: drop
        """;

    private readonly ConcurrentDictionary<string, TaskCompletionSource<SpoolArea>> _finished = new();
    private readonly Lock _countLock = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _countWaiters = [];
    private int _finishedCount;

    /// <summary>The shipped <c>rules/rules.yaml</c> with the test routing key filled in.</summary>
    public static string ShippedRules() =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "shipped-rules.yaml"))
            .Replace("${PAGERDUTY_ROUTING_KEY}", RoutingKey, StringComparison.Ordinal);
    private WebApplication? _app;
    private Action<IServiceCollection>? _services;

    private GatewayHarness(string folder) => Folder = folder;

    /// <summary>
    /// The only DNS server the gateway asks for DKIM/ARC keys: on loopback, answering "no such record"
    /// unless a test gives it a key. Tests never query a real resolver.
    /// </summary>
    public TinyDnsServer Dns { get; } = new();

    /// <summary>The harness's folder: <c>spool/</c> and <c>rules.yaml</c>.</summary>
    public string Folder { get; }

    public string SpoolPath => Path.Combine(Folder, "spool");

    public string RulesPath => Path.Combine(Folder, "rules.yaml");

    public IPEndPoint SmtpEndpoint { get; private set; } = null!;

    public Uri HttpUrl { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    /// <summary>Creates a folder with <paramref name="rules"/> and starts a gateway on it.</summary>
    public static async Task<GatewayHarness> StartAsync(FakePagerDuty pagerDuty, string rules = DefaultRules, params string[] settings)
    {
        var folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "rules.yaml"), rules);
        var harness = new GatewayHarness(folder);
        await harness.RestartAsync(pagerDuty, settings);
        return harness;
    }

    /// <summary>Like <see cref="StartAsync(FakePagerDuty, string, string[])"/>, with <paramref name="services"/> replacing services of the host (e.g. a failing spool writer).</summary>
    public static async Task<GatewayHarness> StartAsync(FakePagerDuty pagerDuty, Action<IServiceCollection> services, string rules = DefaultRules, params string[] settings)
    {
        var folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "rules.yaml"), rules);
        var harness = new GatewayHarness(folder) { _services = services };
        await harness.RestartAsync(pagerDuty, settings);
        return harness;
    }

    /// <summary>Starts (again) on the same folder, as a restarted process would.</summary>
    public async Task RestartAsync(FakePagerDuty pagerDuty, params string[] settings)
    {
        await StopAsync();
        string[] args =
        [
            "--Smtp:Port=0",
            "--Http:Url=http://127.0.0.1:0",
            $"--Spool:Path={SpoolPath}",
            $"--Rules:Path={RulesPath}",
            $"--PagerDuty:EventsUrl={pagerDuty.EventsUrl}",
            "--PagerDuty:RetryBaseDelay=00:00:00.010",
            "--PagerDuty:RetryMaxDelay=00:00:00.100",
            "--PagerDuty:RequestTimeout=00:00:05",
            $"--Trust:DnsServers:0={Dns.EndPoint}",
            "--Serilog:MinimumLevel:Default=Warning",
            .. settings,
        ];
        _app = MailGateHost.Build(args, _services);
        var events = _app.Services.GetRequiredService<ProcessingEvents>();
        events.MessageFinished += (_, e) =>
        {
            _finished.GetOrAdd(e.SpoolId, _ => new TaskCompletionSource<SpoolArea>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(e.Area);
            CountFinished();
        };
        await _app.StartAsync();
        SmtpEndpoint = await _app.Services.GetRequiredService<SmtpListenerEndpoint>().Bound.WaitAsync(TimeSpan.FromSeconds(10));
        HttpUrl = new Uri(_app.Urls.First());
    }

    /// <summary>Waits until message <paramref name="spoolId"/> is finished; returns where it went.</summary>
    public async Task<SpoolArea> WaitFinishedAsync(string spoolId, TimeSpan? timeout = null)
    {
        var finished = _finished.GetOrAdd(spoolId, _ => new TaskCompletionSource<SpoolArea>(TaskCreationOptions.RunContinuationsAsynchronously));
        return await finished.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30)); // a guard: PostgreSQL-backed gateways on a loaded 2-core CI
    }

    /// <summary>How many times a message has finished since the harness started (all restarts included).</summary>
    public int FinishedCount
    {
        get
        {
            lock (_countLock)
            {
                return _finishedCount;
            }
        }
    }

    /// <summary>Waits until <see cref="FinishedCount"/> is at least <paramref name="count"/> (messages the test cannot name, e.g. forwarded by a relay).</summary>
    public async Task WaitFinishedCountAsync(int count, TimeSpan? timeout = null)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_countLock)
        {
            if (_finishedCount >= count)
            {
                return;
            }

            _countWaiters.Add((count, reached));
        }

        await reached.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }

    private void CountFinished()
    {
        lock (_countLock)
        {
            _finishedCount++;
            foreach (var waiter in _countWaiters.Where(w => w.Count <= _finishedCount).ToArray())
            {
                waiter.Reached.TrySetResult();
                _countWaiters.Remove(waiter);
            }
        }
    }

    /// <summary>Forgets that <paramref name="spoolId"/> finished, to wait for it to finish again (after a re-queue).</summary>
    public void ResetFinished(string spoolId) => _finished.TryRemove(spoolId, out _);

    /// <summary>Writes the rules file and waits for the running gateway to reload it; true when the reload succeeded.</summary>
    public async Task<bool> EditRulesAsync(string text)
    {
        var provider = Services.GetRequiredService<MailGate.Rules.RulesProvider>();
        var reloaded = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<bool> handler = (_, succeeded) => reloaded.TrySetResult(succeeded);
        provider.Reloaded += handler;
        try
        {
            await File.WriteAllTextAsync(RulesPath, text);
            return await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            provider.Reloaded -= handler;
        }
    }

    /// <summary>The spool, as the gateway sees it.</summary>
    public SpoolStore Spool => new(SpoolPath);

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Dns.Dispose();
        DeleteFolder();
    }

    public void DeleteFolder()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
