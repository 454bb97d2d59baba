using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Poll;
using MailGate.Poll.Aws;
using MailGate.Spool;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Poll;

/// <summary>
/// The real host polling a <see cref="FakeAws"/> Organization of three active accounts and a
/// suspended one, paging a <see cref="FakePagerDuty"/>, both over real HTTP on loopback. The base
/// credentials reach the gateway through <see cref="IAwsCredentialSource"/>: no environment variable is set.
/// Waits follow the poller's own signals (<see cref="SupportCasePollStatus.RoundCompleted"/>, a message
/// finished), bounded only as a failure guard.
/// </summary>
public abstract class SupportCasePollerTestBase
{
    private protected const string Prod = "111111111111";
    private protected const string Sandbox = "222222222222";
    private protected const string Data = "333333333333";
    private protected const string Closed = "444444444444";
    internal const string Rule = "aws-security-support-case";

    /// <summary>Pages urgent and critical security cases opened by AWS; drops everything else.</summary>
    internal const string Rules = $$"""
        version: 1
        routes:
          security-oncall:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
              severity: critical
        rules:
          - name: {{Rule}}
            when:
              source: { equals: support-case }
              category: { contains: security }
              submitted_by: { ends_with: "@amazon.com" }
              severity: { equals: [urgent, critical] }
              not:
                status: { equals: resolved }
            summary: "AWS Support security case {display_id} ({severity}) in account {account}: {subject}"
            route: security-oncall
          - name: everything-else
            action: drop
        """;

    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private protected FakeAws Aws { get; private set; } = null!;

    private protected FakePagerDuty PagerDuty { get; private set; } = null!;

    private protected GatewayHarness? Gateway { get; set; }

    private protected SupportCasePollStatus Status => Gateway!.Services.GetRequiredService<SupportCasePollStatus>();

    [SetUp]
    public async Task StartFakesAsync()
    {
        Aws = await FakeAws.StartAsync();
        Aws.Organizations.AddAccount(Prod, "prod-payments", "aws-root-111111111111@example.com");
        Aws.Organizations.AddAccount(Sandbox, "sandbox", "aws-root-222222222222@example.com");
        Aws.Organizations.AddAccount(Data, "data-lake", "aws-root-333333333333@example.com");
        Aws.Organizations.AddAccount(Closed, "closed", "aws-root-444444444444@example.com", status: "SUSPENDED");
        PagerDuty = await FakePagerDuty.StartAsync();
    }

    [TearDown]
    public async Task StopAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        await PagerDuty.DisposeAsync();
        await Aws.DisposeAsync();
    }

    private protected string[] Settings(params string[] extra) =>
    [
        "--SupportCases:Enabled=true",
        "--SupportCases:PollInterval=00:00:01",
        "--SupportCases:Jitter=00:00:00",
        .. Aws.Settings.Select(kv => $"--{kv.Key}={kv.Value}"),
        "--Aws:RetryBaseDelay=00:00:00.010",
        "--Aws:RetryMaxDelay=00:00:00.050",
        "--Aws:ExternalId=mailgate-test-external-id",
        .. extra,
    ];

    /// <summary>Starts the gateway with <see cref="Settings"/> and <paramref name="extra"/>, the fake's base credentials, then <paramref name="services"/> replacing services.</summary>
    private protected async Task StartWithAsync(Action<IServiceCollection> services, params string[] extra) =>
        Gateway = await GatewayHarness.StartAsync(
            PagerDuty,
            registered =>
            {
                FakeAwsCredentialSource.Register(registered);
                services(registered);
            },
            Rules,
            Settings(extra));

    /// <summary>Starts the gateway with <see cref="Settings"/> and <paramref name="extra"/>, with the fake's base credentials.</summary>
    private protected Task StartAsync(params string[] extra) => StartWithAsync(_ => { }, extra);

    /// <summary>Waits until <paramref name="rounds"/> more rounds of polling have completed.</summary>
    private protected Task PollsAsync(int rounds) => RoundsAsync(Status.CompletedPolls + rounds);

    /// <summary>Waits until <paramref name="target"/> rounds of polling have completed since start (by every poller sharing <see cref="Status"/>).</summary>
    private protected async Task RoundsAsync(long target)
    {
        var status = Status;
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<long> completed = (_, count) =>
        {
            if (count >= target)
            {
                reached.TrySetResult();
            }
        };
        status.RoundCompleted += completed;
        try
        {
            if (status.CompletedPolls < target)
            {
                await reached.Task.WaitAsync(Guard);
            }
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{target} round(s) of polling did not complete within {Guard} (completed: {status.CompletedPolls}); accounts: "
                + string.Join("; ", status.Accounts.Select(a => $"{a.AccountId} {a.State} {a.LastError}")) + "; AWS requests: " + Aws.Requests.Count);
        }
        finally
        {
            status.RoundCompleted -= completed;
        }
    }

    /// <summary>Waits until every entry now in the spool's active area is finished (in done/ or dead/).</summary>
    private protected async Task SettledAsync()
    {
        foreach (var id in Gateway!.Spool.Ids(SpoolArea.Active))
        {
            await Gateway.WaitFinishedAsync(id, Guard);
        }
    }
}
