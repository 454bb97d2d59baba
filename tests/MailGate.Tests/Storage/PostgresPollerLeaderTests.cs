using MailGate.Poll;
using MailGate.Spool;
using MailGate.Tests.Poll;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Storage;

/// <summary>
/// Two in-process gateways on one PostgreSQL database and one fake AWS Organization (issue #14, "Pollers run once,
/// anywhere"; in this namespace for the test cluster): only the leader polls; when it stops, the other leads at once (the row is released) and polls.
/// </summary>
[TestFixture]
public sealed class PostgresPollerLeaderTests : SupportCasePollerTestBase
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private PostgresTestBackend _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new PostgresTestBackend();

    [TearDown]
    public void DropDatabase() => _database.Dispose();

    [Test]
    public async Task TwoGateways_OnlyTheLeaderPolls_TheOtherTakesOverWhenItStops()
    {
        string[] postgres = ["--Spool:Backend=postgres", $"--Spool:ConnectionString={_database.ConnectionString}"];
        Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-3) });
        await StartAsync(postgres);
        var first = Gateway!;
        await PollsAsync(2);
        await using var second = await GatewayHarness.StartAsync(PagerDuty, registered => FakeAwsCredentialSource.Register(registered), Rules, Settings(postgres));
        var firstRounds = Status.CompletedPolls;
        await PollsAsync(2); // the first keeps polling while the second runs beside it

        var secondStatus = second.Services.GetRequiredService<SupportCasePollStatus>();
        Assert.Multiple(() =>
        {
            Assert.That(first.Services.GetRequiredService<RoleLeadership>().IsLeading(CaseCursorStore.Poller), Is.True);
            Assert.That(second.Services.GetRequiredService<RoleLeadership>().IsLeading(CaseCursorStore.Poller), Is.False);
            Assert.That(secondStatus.CompletedPolls, Is.Zero, "the second gateway does not poll");
            Assert.That(Status.CompletedPolls, Is.GreaterThanOrEqualTo(firstRounds + 2));
        });

        var describesBefore = Aws.RequestsOf("DescribeCases").Count;
        await first.StopAsync(); // a clean stop releases the row
        var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        secondStatus.RoundCompleted += (_, _) => taken.TrySetResult();
        await taken.Task.WaitAsync(Guard);

        Assert.Multiple(() =>
        {
            Assert.That(second.Services.GetRequiredService<RoleLeadership>().IsLeading(CaseCursorStore.Poller), Is.True);
            Assert.That(Aws.RequestsOf("DescribeCases").Count, Is.GreaterThan(describesBefore), "the new leader calls DescribeCases");
            Assert.That(PagerDuty.Accepted.Select(e => e.DedupKey).Distinct().Count(), Is.EqualTo(PagerDuty.Accepted.Count), "no case paged twice");
        });
    }
}
