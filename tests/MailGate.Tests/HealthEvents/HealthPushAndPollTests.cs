using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MailGate.Core.Spool;
using MailGate.HealthEvents;
using MailGate.Core.Storage;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.HealthEvents;

/// <summary>
/// Both ways in at once, for real: the poller reading a <see cref="FakeAws"/> Health organizational view and
/// <c>POST /aws/events</c> receiving the same event from EventBridge — one incident per (event, account), and with
/// <c>Health:ResolveEvents</c> one resolve, whichever way the closed event came first.
/// </summary>
[TestFixture]
public sealed class HealthPushAndPollTests
{
    private const string Prod = "111111111111";
    private const string Key = "push-and-poll-key";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private FakeAws _aws = null!;
    private FakePagerDuty _pagerDuty = null!;
    private GatewayHarness _gateway = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task StartFakesAsync()
    {
        _aws = await FakeAws.StartAsync();
        _pagerDuty = await FakePagerDuty.StartAsync();
    }

    [TearDown]
    public async Task StopAsync()
    {
        _http?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
            _gateway.DeleteFolder();
        }

        await _pagerDuty.DisposeAsync();
        await _aws.DisposeAsync();
    }

    private async Task StartAsync(params string[] extra)
    {
        _gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            services => FakeAwsCredentialSource.Register(services),
            GatewayHarness.ShippedRules(),
            [
                "--Health:Enabled=true",
                "--Health:PollInterval=00:00:01",
                .. _aws.Settings.Select(kv => $"--{kv.Key}={kv.Value}"),
                "--Aws:RetryBaseDelay=00:00:00.010",
                "--Aws:RetryMaxDelay=00:00:00.050",
                "--AwsEvents:Enabled=true",
                $"--AwsEvents:ApiKey={Key}",
                .. extra,
            ]);
        _http = new HttpClient { BaseAddress = _gateway.HttpUrl, Timeout = Guard };
    }

    private HealthPollStatus Status => _gateway.Services.GetRequiredService<HealthPollStatus>();

    /// <summary>Waits until <paramref name="polls"/> more polls have run.</summary>
    private Task PollsAsync(int polls) => Status.WaitForPollsAsync(polls, Guard);

    private async Task SettledAsync()
    {
        foreach (var id in _gateway.Spool.Ids(SpoolArea.Active))
        {
            await _gateway.WaitFinishedAsync(id, Guard);
        }
    }

    /// <summary>The EventBridge <c>aws.health</c> event an API destination would post for <paramref name="e"/> in <paramref name="account"/>.</summary>
    private static string EventBridge(FakeHealthEvent e, string account) => new JsonObject
    {
        ["version"] = "0",
        ["id"] = Guid.NewGuid().ToString(),
        ["detail-type"] = "AWS Health Event",
        ["source"] = "aws.health",
        ["account"] = account,
        ["time"] = e.LastUpdated.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["region"] = "us-east-1",
        ["resources"] = new JsonArray(),
        ["detail"] = new JsonObject
        {
            ["eventArn"] = e.Arn,
            ["service"] = e.Service,
            ["eventTypeCode"] = e.EventTypeCode,
            ["eventTypeCategory"] = e.Category,
            ["startTime"] = e.Start.ToString("R", CultureInfo.InvariantCulture),
            ["lastUpdatedTime"] = e.LastUpdated.ToString("R", CultureInfo.InvariantCulture),
            ["statusCode"] = e.Status,
            ["eventRegion"] = e.Region,
            ["eventDescription"] = new JsonArray(new JsonObject { ["language"] = "en_US", ["latestDescription"] = e.Description.Replace("{account}", account, StringComparison.Ordinal) }),
            ["affectedAccount"] = account,
        },
    }.ToJsonString();

    private async Task PushAsync(FakeHealthEvent e)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/aws/events") { Content = new StringContent(EventBridge(e, Prod), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-MailGate-Key", Key);
        using var response = await _http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    private string[] Actions() => [.. _pagerDuty.Accepted.Select(e => e.Json.GetProperty("event_action").GetString()!)];

    [TestCase(true, TestName = "PolledThenPushed_OneIncident")]
    [TestCase(false, TestName = "PushedThenPolled_OneIncident")]
    public async Task SameEvent_PushedAndPolledByTheRealPoller_OneIncident(bool pollFirst)
    {
        var risk = FakeHealthEvent.Of("RISK", "AWS_RISK_CREDENTIALS_EXPOSED", DateTimeOffset.UtcNow.AddMinutes(-5), Prod);
        if (pollFirst)
        {
            _aws.Health.Put(risk);
        }

        await StartAsync();
        if (pollFirst)
        {
            await _pagerDuty.WaitForAsync(r => r.Count >= 1, Guard);
        }

        await PushAsync(risk);
        _aws.Health.Put(risk);
        await PollsAsync(2);
        await SettledAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Actions(), Is.EqualTo(new[] { "trigger" }), "one incident for the pushed and the polled copy");
            Assert.That(_aws.RequestsOf("DescribeEventDetailsForOrganization"), Is.Not.Empty, "the real poller read the event");
            Assert.That(_gateway.Spool.Ids(SpoolArea.Done), Has.Count.EqualTo(2), "both copies were stored; the ledger sent one");
        });
    }

    [TestCase(true, TestName = "ClosedPolledThenPushed_OneResolve")]
    [TestCase(false, TestName = "ClosedPushedThenPolled_OneResolve")]
    public async Task ClosedEvent_PushedAndPolled_ResolvedOnce(bool pollFirst)
    {
        var risk = FakeHealthEvent.Of("RISK", "AWS_RISK_IAM_QUARANTINE", DateTimeOffset.UtcNow.AddMinutes(-5), Prod);
        _aws.Health.Put(risk);
        await StartAsync("--Health:ResolveEvents=true");
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Guard);

        var closed = risk with { Status = "closed", LastUpdated = DateTimeOffset.UtcNow.AddSeconds(-1) };
        if (pollFirst)
        {
            _aws.Health.Put(closed);
            await _pagerDuty.WaitForAsync(r => r.Count >= 2, Guard);
            await PushAsync(closed);
        }
        else
        {
            await PushAsync(closed);
            await _pagerDuty.WaitForAsync(r => r.Count >= 2, Guard);
            _aws.Health.Put(closed);
        }

        await PushAsync(closed);
        await PollsAsync(2);
        await SettledAsync();

        Assert.That(Actions(), Is.EqualTo(new[] { "trigger", "resolve" }));
        Assert.That(_pagerDuty.Accepted[1].DedupKey, Is.EqualTo(_pagerDuty.Accepted[0].DedupKey));
    }

    [Test]
    public async Task ClosedEvent_PushedOnly_SendsResolve_WhenEnabled_AndNotWhenOff()
    {
        var risk = FakeHealthEvent.Of("RISK", "AWS_RISK_CREDENTIALS_COMPROMISED", DateTimeOffset.UtcNow.AddMinutes(-5), Prod);
        await StartAsync("--Health:ResolveEvents=true", "--Health:Services:0=EC2");
        await PushAsync(risk);
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Guard);

        await PushAsync(risk with { Status = "closed", LastUpdated = DateTimeOffset.UtcNow.AddSeconds(-1) });
        await _pagerDuty.WaitForAsync(r => r.Count >= 2, Guard);
        await PushAsync(risk with { Status = "closed", LastUpdated = DateTimeOffset.UtcNow });
        await SettledAsync();

        Assert.That(Actions(), Is.EqualTo(new[] { "trigger", "resolve" }), "a later closed update is not resolved again");
    }
}
