using MailGate.HealthEvents;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Storage;

/// <summary>
/// The Health poller with <c>Spool:Backend=postgres</c>: its cursor (and the resolve marks) live in PostgreSQL, not in the
/// spool folder, and survive a restart — nothing is spooled again and nothing pages twice.
/// </summary>
[TestFixture]
public sealed class HealthPollerPostgresTests : PostgresDatabaseTest
{
    private const string Prod = "111111111111";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Poller_OnPostgres_CursorAndResolveSurviveARestart_NothingAgain()
    {
        await using var aws = await FakeAws.StartAsync();
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var risk = FakeHealthEvent.Of("RISK", "AWS_RISK_IAM_QUARANTINE", DateTimeOffset.UtcNow.AddMinutes(-3), Prod);
        aws.Health.Put(risk);
        string[] settings =
        [
            "--Spool:Backend=postgres",
            $"--Spool:ConnectionString={Backend.ConnectionString}",
            "--Health:Enabled=true",
            "--Health:ResolveEvents=true",
            "--Health:PollInterval=00:00:01",
            "--Health:InitialLookback=00:05:00",
            .. aws.Settings.Select(kv => $"--{kv.Key}={kv.Value}"),
            "--Aws:RetryBaseDelay=00:00:00.010",
            "--Aws:RetryMaxDelay=00:00:00.050",
        ];
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, services => FakeAwsCredentialSource.Register(services), GatewayHarness.ShippedRules(), settings);
        try
        {
            await pagerDuty.WaitForAsync(r => r.Count >= 1, Guard);
            aws.Health.Put(risk with { Status = "closed", LastUpdated = DateTimeOffset.UtcNow.AddSeconds(-1) });
            await pagerDuty.WaitForAsync(r => r.Count >= 2, Guard);
            await PollsAsync(gateway, 1);

            await gateway.RestartAsync(pagerDuty, settings);
            await PollsAsync(gateway, 3);

            var status = gateway.Services.GetRequiredService<HealthPollStatus>();
            Assert.Multiple(() =>
            {
                Assert.That(status.State, Is.EqualTo("ok"), status.Error);
                Assert.That(status.Spooled, Is.Zero, "after the restart the cursor read from PostgreSQL knows the pair and its resolve");
                Assert.That(Directory.Exists(Path.Combine(gateway.SpoolPath, HealthCursorStore.Poller)), Is.False, "the cursor is not in the spool folder");
                Assert.That(pagerDuty.Accepted.Select(e => e.Json.GetProperty("event_action").GetString()), Is.EqualTo(new[] { "trigger", "resolve" }));
            });
        }
        finally
        {
            gateway.DeleteFolder();
        }
    }

    private static Task PollsAsync(GatewayHarness gateway, int polls) => gateway.Services.GetRequiredService<HealthPollStatus>().WaitForPollsAsync(polls, Guard);
}
