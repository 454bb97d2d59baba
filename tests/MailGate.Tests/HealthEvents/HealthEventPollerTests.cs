using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.HealthEvents;
using MailGate.Spool;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.HealthEvents;

/// <summary>
/// The real host polling a <see cref="FakeAws"/> Health organizational view (paginated, signed, with failures)
/// and paging a <see cref="FakePagerDuty"/>, over loopback. Waits follow the poller's own signal
/// (<see cref="HealthPollStatus.Attempted"/>), bounded only as a failure guard.
/// </summary>
[TestFixture]
public sealed class HealthEventPollerTests
{
    private const string Prod = "111111111111";
    private const string Sandbox = "222222222222";
    private const string Rule = "aws-health-security-event";

    /// <summary>The shipped Health rule, with the harness's routing key.</summary>
    private const string Rules = $$"""
        version: 1
        routes:
          security-oncall:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
              severity: critical
        rules:
          - name: {{Rule}}
            when:
              source: { equals: health-event }
              event_type_code: { starts_with: [AWS_ABUSE_, AWS_RISK_] }
            summary: "AWS Health {event_type_code} in account {account}: {subject}"
            severity: critical
            route: security-oncall
          - name: everything-else
            action: drop
        """;

    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private FakeAws _aws = null!;
    private FakePagerDuty _pagerDuty = null!;
    private GatewayHarness? _gateway;

    private HealthPollStatus Status => _gateway!.Services.GetRequiredService<HealthPollStatus>();

    [SetUp]
    public async Task StartFakesAsync()
    {
        _aws = await FakeAws.StartAsync();
        _pagerDuty = await FakePagerDuty.StartAsync();
    }

    [TearDown]
    public async Task StopAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _pagerDuty.DisposeAsync();
        await _aws.DisposeAsync();
    }

    private string[] Settings(params string[] extra) =>
    [
        "--Health:Enabled=true",
        "--Health:PollInterval=00:00:01",
        .. _aws.Settings.Select(kv => $"--{kv.Key}={kv.Value}"),
        "--Aws:RetryBaseDelay=00:00:00.010",
        "--Aws:RetryMaxDelay=00:00:00.050",
        .. extra,
    ];

    private async Task StartAsync(params string[] extra) =>
        _gateway = await GatewayHarness.StartAsync(_pagerDuty, services => FakeAwsCredentialSource.Register(services), Rules, Settings(extra));

    /// <summary>Waits until <paramref name="polls"/> more polls have run.</summary>
    private Task PollsAsync(int polls) => Status.WaitForPollsAsync(polls, Guard);

    private async Task SettledAsync()
    {
        foreach (var id in _gateway!.Spool.Ids(SpoolArea.Active))
        {
            await _gateway.WaitFinishedAsync(id, Guard);
        }
    }

    [Test]
    public async Task RiskEventOfTwoAccounts_TwoIncidents_OncePerAccount_AcrossPollsAndARestart_AndAnEc2IssueDoesNotPage()
    {
        var now = DateTimeOffset.UtcNow;
        var risk = FakeHealthEvent.Of("RISK", "AWS_RISK_CREDENTIALS_EXPOSED", now.AddMinutes(-5), Prod, Sandbox);
        _aws.Health.Put(risk);
        _aws.Health.Put(FakeHealthEvent.Of("EC2", "AWS_EC2_OPERATIONAL_ISSUE", now.AddMinutes(-4), Prod));
        _aws.Throttle(2);
        await StartAsync("--Health:Services:0=RISK", "--Health:Services:1=ABUSE", "--Health:Services:2=EC2");

        await _pagerDuty.WaitForAsync(r => r.Count >= 2, Guard);
        _aws.Health.Put(risk with { LastUpdated = now.AddMinutes(-1), Description = "Updated: {account}" });
        await PollsAsync(2);
        await _gateway!.StopAsync();
        await _gateway.RestartAsync(_pagerDuty, Settings("--Health:Services:0=RISK", "--Health:Services:1=ABUSE", "--Health:Services:2=EC2"));
        await PollsAsync(2);
        await SettledAsync();

        var sent = _pagerDuty.Accepted;
        Assert.Multiple(() =>
        {
            Assert.That(sent.Select(e => e.Payload.GetProperty("summary").GetString()).Order(), Is.EqualTo(new[]
            {
                $"AWS Health AWS_RISK_CREDENTIALS_EXPOSED in account {Prod}: AWS Risk: credentials exposed",
                $"AWS Health AWS_RISK_CREDENTIALS_EXPOSED in account {Sandbox}: AWS Risk: credentials exposed",
            }));
            Assert.That(sent.Select(e => e.DedupKey).Distinct().Count(), Is.EqualTo(2), "one incident per account");
            Assert.That(sent.Select(e => e.Payload.GetProperty("source").GetString()).Order(), Is.EqualTo(new[] { $"aws-health/{Prod}", $"aws-health/{Sandbox}" }));
            Assert.That(sent.Select(e => e.Payload.GetProperty("severity").GetString()).Distinct(), Is.EqualTo(new[] { "critical" }));
            Assert.That(sent[0].Details.GetProperty("health_event").GetProperty("event_arn").GetString(), Is.EqualTo(risk.Arn));
            Assert.That(_gateway.Spool.Ids(SpoolArea.Done), Has.Count.EqualTo(3), "two risk pairs and the EC2 issue (dropped by the rules), each spooled once");
            Assert.That(_aws.RequestsOf("DescribeEventsForOrganization"), Is.Not.Empty);
            Assert.That(_aws.SignatureProblems, Is.Empty);
            Assert.That(Status.State, Is.EqualTo("ok"));
        });
    }

    [Test]
    public async Task EventCreatedWhileTheGatewayWasDown_IsFoundAfterRestart()
    {
        await StartAsync("--Health:InitialLookback=00:05:00");
        await PollsAsync(1);
        await _gateway!.StopAsync();

        // Two hours of downtime, as the cursor would show it (time cannot be waited out in a test).
        var now = DateTimeOffset.UtcNow;
        var store = new HealthCursorStore(CursorFolders.At(Path.Combine(_gateway.SpoolPath, HealthCursorStore.Poller)));
        var cursor = store.Load();
        Assert.That(cursor.Newest, Is.Not.Null, "the first complete poll set the mark");
        cursor.Newest = now.AddHours(-2);
        store.Save(cursor);
        var missed = FakeHealthEvent.Of("ABUSE", "AWS_ABUSE_DOS_REPORT", now.AddMinutes(-40), Prod);
        _aws.Health.Put(missed);
        await _gateway.RestartAsync(_pagerDuty, Settings("--Health:InitialLookback=00:05:00"));

        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Guard);
        await PollsAsync(1);
        await SettledAsync();

        Assert.That(_pagerDuty.Accepted.Single().Payload.GetProperty("summary").GetString(), Is.EqualTo($"AWS Health AWS_ABUSE_DOS_REPORT in account {Prod}: AWS Abuse: dos report"));
    }

    [Test]
    public async Task ClosedEvent_SendsResolve_WhenEnabled()
    {
        var risk = FakeHealthEvent.Of("RISK", "AWS_RISK_IAM_QUARANTINE", DateTimeOffset.UtcNow.AddMinutes(-5), Prod);
        _aws.Health.Put(risk);
        await StartAsync("--Health:ResolveEvents=true");
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Guard);

        _aws.Health.Put(risk with { Status = "closed", LastUpdated = DateTimeOffset.UtcNow });
        await _pagerDuty.WaitForAsync(r => r.Count >= 2, Guard);
        await PollsAsync(2);
        await SettledAsync();

        var sent = _pagerDuty.Accepted;
        Assert.That(sent.Select(e => e.Json.GetProperty("event_action").GetString()), Is.EqualTo(new[] { "trigger", "resolve" }));
        Assert.That(sent[1].DedupKey, Is.EqualTo(sent[0].DedupKey));
    }

    [Test]
    public async Task FailedSetEntry_IsAskedForAgain_AndTakenWhenItSucceeds()
    {
        var risk = FakeHealthEvent.Of("RISK", "AWS_RISK_CREDENTIALS_COMPROMISED", DateTimeOffset.UtcNow.AddMinutes(-5), Prod, Sandbox);
        _aws.Health.Put(risk);
        _aws.Health.FailDetails(risk.Arn, Sandbox);
        await StartAsync();

        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Guard);
        await PollsAsync(2);
        Assert.That(_pagerDuty.Accepted, Has.Count.EqualTo(1), "only the account whose details came back");

        _aws.Health.FailDetails(risk.Arn, Sandbox, fail: false);
        await _pagerDuty.WaitForAsync(r => r.Count >= 2, Guard);
        await PollsAsync(1);
        await SettledAsync();
        Assert.That(_pagerDuty.Accepted.Select(e => e.Payload.GetProperty("source").GetString()), Is.EqualTo(new[] { $"aws-health/{Prod}", $"aws-health/{Sandbox}" }));
    }

    [TestCase(false, "subscription_required", "Business, Enterprise On-Ramp or Enterprise support plan")]
    [TestCase(true, "organization_view_not_enabled", "enable-health-service-access-for-organization")]
    public async Task SetUpProblem_IsReportedInTheStatus_AndReadiness(bool viewDisabled, string state, string advice)
    {
        _aws.Health.SubscriptionRequired = !viewDisabled;
        _aws.Health.OrganizationViewDisabled = viewDisabled;
        await StartAsync();

        await PollsAsync(2);

        Assert.That((Status.State, Status.Error), Is.EqualTo((state, Status.Error)));
        Assert.That(Status.Error, Does.Contain(advice));
        var report = _gateway!.Services.GetRequiredService<MailGate.Http.Readiness>().Check();
        Assert.That(report.HealthEvents!.State, Is.EqualTo(state));
        Assert.That(report.IsReady, Is.True, "a Health set-up problem does not stop mail");
    }

    [TestCase(true, 2, TestName = "HostileServer_SameNextTokenAgain_Stops")]
    [TestCase(false, PageTokensMaxPages, TestName = "HostileServer_EndlessNextTokens_StopsAtThePageLimit")]
    public async Task HostileServer_PaginationThatNeverEnds_FailsThePollClearly_AndTheNextPollRunsAgain(bool repeat, int pagesPerPoll)
    {
        var served = 0;
        _aws.Health.HostileEventsToken = _ => repeat ? "the-same-token" : $"token-{Interlocked.Increment(ref served)}";
        await StartAsync();

        await PollsAsync(2);

        Assert.Multiple(() =>
        {
            Assert.That(Status.State, Is.EqualTo("error"));
            Assert.That(Status.Error, Does.Contain("pagination did not end"));
            Assert.That(Status.Attempts, Is.GreaterThanOrEqualTo(2), "a stuck listing does not stop the poller");
            Assert.That(_aws.RequestsOf("DescribeEventsForOrganization").Count, Is.LessThanOrEqualTo(pagesPerPoll * (int)Status.Attempts + pagesPerPoll));
            Assert.That(_pagerDuty.Requests, Is.Empty);
        });
    }

    private const int PageTokensMaxPages = MailGate.Poll.Aws.PageTokens.MaxPages;
}
