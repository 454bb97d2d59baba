using System.Net;
using System.Net.Sockets;
using MailGate.Core.Coverage;
using MailGate.Core.Storage;
using MailGate.Coverage;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace MailGate.Tests.Coverage;

/// <summary>
/// Issue #15 end to end, over the real host on a fake clock: the leader sends each account's probe with MailKit through a
/// <see cref="FakeRelay"/> on 127.0.0.1, which forwards it to MailGate's SMTP port the way a Google Group delivers it (or
/// drops it); the real <see cref="ProbeReceiver"/> records it before the rules (here a page-everything rule); the
/// deadlines page through the spool and the outbox to a <see cref="FakePagerDuty"/> on the rules file's <c>coverage:</c>
/// route. The clock moves only when a test advances it; each step waits on the scheduler's <c>Checked</c> event. An
/// account may be probed again within the deadline (its fixed phase in the interval can follow the first probe at start),
/// so the tests count what the relay delivered rather than assume one probe per account.
/// </summary>
[TestFixture]
public sealed class CoverageEndToEndTests
{
    internal const string CoverageRoutingKey = "C0123456789abcdef0123456789abcde";

    internal const string PageEverything = $$"""
        version: 1
        routes:
          oncall:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
          platform:
            pagerduty:
              routing_key: {{CoverageRoutingKey}}
        coverage:
          route: platform
        rules:
          - name: everything
            route: oncall
        accounts:
          aws-root-111111111111@roots.test: { id: "111111111111", name: prod-payments, owner: payments }
          aws-root-222222222222@roots.test: { id: "222222222222", name: data-lake, owner: data }
          aws-root-333333333333@roots.test: { id: "333333333333", name: sandbox, owner: platform }
        """;

    private const string Sandbox = "aws-root-333333333333@roots.test";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private FakeTimeProvider _time = null!;
    private FakePagerDuty _pagerDuty = null!;
    private FakeRelay _relay = null!;
    private GatewayHarness? _gateway;
    private int _delivered;

    private GatewayHarness Gateway => _gateway!;

    private CoverageScheduler Scheduler => Gateway.Services.GetRequiredService<CoverageScheduler>();

    [SetUp]
    public async Task StartFakesAsync()
    {
        _delivered = 0; // one fixture instance runs every test
        _gateway = null;
        _time = new FakeTimeProvider(new DateTimeOffset(DateTimeOffset.UtcNow.Date, TimeSpan.Zero).AddHours(6));
        _pagerDuty = await FakePagerDuty.StartAsync();
        _relay = await FakeRelay.StartAsync();
        _relay.Deliver = async message =>
        {
            await FakeRelay.ForwardAsync(message, Gateway.SmtpEndpoint, "aws-abuse@mailgate.example.com");
            Interlocked.Increment(ref _delivered); // accepted by MailGate before the relay answers, so before the check ends
        };
    }

    [TearDown]
    public async Task StopAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _relay.DisposeAsync();
        await _pagerDuty.DisposeAsync();
    }

    [Test]
    public async Task OneGroupDropsItsProbe_OnePageNamingIt_NoneForTheOthers_ItsNextProbeArrives_OneResolve()
    {
        _relay.Drop(Sandbox);
        await StartAsync(_relay.Port);
        await CheckedAsync(1);
        await Gateway.WaitFinishedCountAsync(Delivered, Guard); // the probes the groups forwarded, recognised

        await AdvanceAndCheckAsync(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Guard);
        await AdvanceAndCheckAsync(TimeSpan.FromMinutes(1)); // another check: no second page
        await Gateway.WaitFinishedCountAsync(Delivered + 1, Guard);

        var page = _pagerDuty.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(_relay.Received.Select(m => m.To.Mailboxes.Single().Address).Distinct().Order(), Is.EqualTo(new[] { "aws-root-111111111111@roots.test", "aws-root-222222222222@roots.test", Sandbox }));
            Assert.That(_relay.DeliveryErrors, Is.Empty);
            Assert.That(page.RoutingKey, Is.EqualTo(CoverageRoutingKey), "on the coverage: route");
            Assert.That(page.Json.GetProperty("event_action").GetString(), Is.EqualTo("trigger"));
            Assert.That(page.DedupKey, Is.EqualTo("mailgate-coverage-333333333333"));
            Assert.That(page.Payload.GetProperty("summary").GetString(), Does.Contain("sandbox (333333333333, aws-root-333333333333@roots.test)").And.Contain("no probe from it has arrived yet"));
            Assert.That(page.Payload.GetProperty("severity").GetString(), Is.EqualTo("warning"));
            Assert.That(Arrival("111111111111")?.ListIds, Is.EqualTo(new[] { "aws-root-111111111111.roots.test" }), "the real receiver recorded the path");
            Assert.That(Arrival("333333333333"), Is.Null);
            Assert.That(Delivered, Is.GreaterThanOrEqualTo(2));
            Assert.That(Gateway.FinishedCount, Is.EqualTo(Delivered + 1), "the probes and one alert; no probe was paged by the page-everything rule");
        });
        using (var http = new HttpClient { BaseAddress = Gateway.HttpUrl })
        {
            var scrape = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            Assert.That(scrape, Does.Match($"mailgate_coverage_probe_latency_seconds_count(\\{{[^}}]*\\}})? {Delivered}\\b"), "each recognised probe's latency is recorded");
        }

        // The next day the group forwards again: its probe arrives, and the next check resolves.
        _relay.Undrop(Sandbox);
        await AdvanceAndCheckAsync(TimeSpan.FromDays(1));
        await Gateway.WaitFinishedCountAsync(Delivered + 1, Guard);
        await AdvanceAndCheckAsync(TimeSpan.FromMinutes(1));
        await _pagerDuty.WaitForAsync(r => r.Count >= 2, Guard);
        await AdvanceAndCheckAsync(TimeSpan.FromMinutes(1));
        await Gateway.WaitFinishedCountAsync(Delivered + 2, Guard);

        Assert.Multiple(() =>
        {
            Assert.That(_pagerDuty.Requests.Select(r => (r.DedupKey, r.Json.GetProperty("event_action").GetString())), Is.EqualTo(new[]
            {
                ("mailgate-coverage-333333333333", "trigger"),
                ("mailgate-coverage-333333333333", "resolve"),
            }));
            Assert.That(_pagerDuty.Requests[1].RoutingKey, Is.EqualTo(CoverageRoutingKey));
            Assert.That(Arrival("333333333333")?.ListIds, Is.EqualTo(new[] { "aws-root-333333333333.roots.test" }));
            Assert.That(Gateway.FinishedCount, Is.EqualTo(Delivered + 2), "the probes, one page and one resolve; nothing else");
        });
    }

    [Test]
    public async Task RelayDown_SendFailed_OnePageForAllAccounts_AfterTheConfiguredRounds_OnTheCoverageRoute()
    {
        await StartAsync(ClosedPort(), "--Coverage:SendFailuresBeforePage=2");
        await CheckedAsync(1);
        Assert.That(Sent("111111111111")?.FailedRounds, Is.EqualTo(1));

        await AdvanceAndCheckAsync(TimeSpan.FromHours(1)); // Coverage:SendRetryInterval: the second failed round of all three
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Guard);
        await Gateway.WaitFinishedCountAsync(1, Guard);
        await AdvanceAndCheckAsync(TimeSpan.FromHours(1)); // a third failed round: the alert is open, nothing more
        Assert.That(Sent("333333333333")?.FailedRounds, Is.EqualTo(3));

        Assert.Multiple(() =>
        {
            Assert.That(_pagerDuty.Requests.Select(r => r.DedupKey), Is.EqualTo(new[] { "mailgate-coverage-relay" }), "one page for the relay, not one per account or per round");
            Assert.That(_pagerDuty.Requests.Select(r => r.RoutingKey).Distinct(), Is.EqualTo(new[] { CoverageRoutingKey }));
            Assert.That(_pagerDuty.Requests.Single().Payload.GetProperty("summary").GetString(), Does.Contain("could not be sent for 2 rounds in a row to 3 account(s)"));
            Assert.That(Sent("111111111111")?.OpenAlert, Is.Null, "the account has no alert of its own");
            Assert.That(Gateway.FinishedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ForgedAndReplayedProbes_GoToTheRules_AndDoNotChangeCoverage()
    {
        await StartAsync(_relay.Port);
        await CheckedAsync(1);
        await Gateway.WaitFinishedCountAsync(Delivered, Guard);
        var recorded = Arrival("111111111111");
        var real = _relay.Received.Single(m => m.To.Mailboxes.Single().Address == "aws-root-111111111111@roots.test");

        var replay = await Mail.SendAsync(Gateway, FakeRelay.AsGroupDelivers(real));
        var forged = FakeRelay.AsGroupDelivers(real);
        var token = forged.Headers[ProbeToken.HeaderName]!;
        var badToken = token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        forged.Headers[ProbeToken.HeaderName] = badToken;
        forged.Subject = (forged.Subject ?? "").Replace(token, badToken, StringComparison.Ordinal);
        forged.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();
        var forgedId = await Mail.SendAsync(Gateway, forged);
        await Gateway.WaitFinishedAsync(replay, Guard);
        await Gateway.WaitFinishedAsync(forgedId, Guard);
        await _pagerDuty.WaitForAsync(r => r.Count >= 2, Guard);
        Assert.That((Arrival("111111111111")?.ProbeId, Arrival("111111111111")?.ArrivedAt), Is.EqualTo((recorded?.ProbeId, recorded?.ArrivedAt)), "the replay recorded no arrival");

        await AdvanceAndCheckAsync(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1)); // past the deadline: every account is ok
        await AdvanceAndCheckAsync(TimeSpan.FromMinutes(1));
        await Gateway.WaitFinishedCountAsync(Delivered + 2, Guard);

        Assert.Multiple(() =>
        {
            Assert.That(_pagerDuty.Requests.Select(r => r.Payload.GetProperty("class").GetString()), Is.EqualTo(new[] { "everything", "everything" }), "both by the rules, no coverage page");
            Assert.That(_pagerDuty.Requests.Select(r => r.RoutingKey).Distinct(), Is.EqualTo(new[] { GatewayHarness.RoutingKey }));
            Assert.That(Scheduler.Checks, Is.GreaterThanOrEqualTo(3));
            Assert.That(Gateway.FinishedCount, Is.EqualTo(Delivered + 2), "the probes, the replay and the forgery; no coverage alert");
        });
    }

    private async Task StartAsync(int relayPort, params string[] more) =>
        _gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_time)),
            PageEverything,
            [
                "--Coverage:Enabled=true",
                "--Coverage:From=mailgate-probe@gateway.test",
                "--Coverage:ProbeKey=coverage-e2e-test-key-0123456789",
                "--Coverage:Relay:Host=127.0.0.1",
                $"--Coverage:Relay:Port={relayPort}",
                "--Coverage:Relay:StartTls=never",
                "--Coverage:Relay:Attempts=1",
                "--Spool:LeaseDuration=20.00:00:00", // the fake clock's jumps never outrun the leader's lease
                .. more,
            ]);

    /// <summary>Waits until the scheduler has run at least <paramref name="count"/> checks.</summary>
    private Task CheckedAsync(int count) =>
        CountedEvents.ReachedAsync(() => Scheduler.Checks, h => Scheduler.Checked += h, h => Scheduler.Checked -= h, count, Guard);

    /// <summary>Moves the clock by <paramref name="by"/> and waits for the check that tick starts.</summary>
    private async Task AdvanceAndCheckAsync(TimeSpan by)
    {
        var next = Scheduler.Checks + 1;
        _time.Advance(by);
        await CheckedAsync(next);
    }

    private int Delivered => Volatile.Read(ref _delivered);

    private ICursorDocuments Documents => Gateway.Services.GetRequiredService<IPollerCursors>().Cursors(CoverageDocuments.Store);

    private ProbeArrival? Arrival(string account) => CoverageDocuments.Read<ProbeArrival>(Documents.Read(CoverageDocuments.ArrivedKey(account)));

    private ProbeSent? Sent(string account) => CoverageDocuments.Read<ProbeSent>(Documents.Read(CoverageDocuments.SentKey(account)));

    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
