using MailGate.Core.Messages;
using MailGate.Core.Storage;
using MailGate.Spool;
using MailGate.Storage.Postgres;
using MailGate.Tests.Support;
using MailKit.Net.Smtp;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using System.Buffers;
using System.Net;
using System.Text.Json;

namespace MailGate.Tests.Storage;

/// <summary>
/// A gateway started while PostgreSQL is down (a replica restarted during an outage, or started before its
/// database): it listens, answers 451 4.3.0, is alive but not ready, and opens the database in the background when it
/// comes back, without a restart (<see cref="PostgresOpener"/>). A refused login and a newer schema still stop the start.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PostgresStartDuringOutageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [TestCase(0, 1)]
    [TestCase(1, 1)]
    [TestCase(2, 2)]
    [TestCase(3, 4)]
    [TestCase(4, 8)]
    [TestCase(5, 16)]
    [TestCase(6, 30)]
    [TestCase(7, 30)]
    [TestCase(1000, 30)]
    public void Backoff_DoublesFromOneSecond_CappedAtThirty(int failures, int seconds) =>
        Assert.That(PostgresOpener.Backoff(failures), Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    [Test]
    public async Task Started_during_an_outage_it_listens_refuses_with_451_and_opens_when_the_database_returns()
    {
        using var postgres = new PausablePostgres(paused: true);
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, PostgresOutageTests.Settings(postgres));
        using var http = new HttpClient { BaseAddress = gateway.HttpUrl };
        var opener = gateway.Services.GetRequiredService<PostgresOpener>();
        Assert.That(opener.Opened.IsCompleted, Is.False, "the database is down: not open");

        var refused = Assert.ThrowsAsync<SmtpCommandException>(() => Mail.SendAsync(gateway, Mail.Simple("Abuse Report before the database")));
        Assert.That((int)refused!.StatusCode, Is.EqualTo(451), refused.Message);
        Assert.That(refused.Message, Does.StartWith("4.3.0"));
        var (status, report) = await PostgresOutageTests.ReadyAsync(http);
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), report.ToString());
        var database = report.GetProperty("database");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(database.GetProperty("backend").GetString(), Is.EqualTo("postgres"));
            Assert.That(database.GetProperty("reachable").GetBoolean(), Is.False);
            Assert.That(database.GetProperty("schema_version").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(database.GetProperty("problem").GetString(), Does.Contain("/mailgate is not open yet").And.Not.Contain(postgres.Password));
            Assert.That(report.ToString(), Does.Not.Contain(postgres.Password));
        }

        using (var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative)))
        {
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK), "alive: no liveness restart for the database's outage");
        }

        postgres.Resume();
        await opener.Opened.WaitAsync(Patience);

        (status, report) = await PostgresOutageTests.ReadyAsync(http);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), report.ToString());
        Assert.That(report.GetProperty("database").GetProperty("schema_version").GetInt32(), Is.EqualTo(PostgresStorage.SchemaVersion));
        var id = await Mail.SendAsync(gateway, Mail.Simple("Abuse Report after the database"));
        Assert.That(await gateway.WaitFinishedAsync(id, Patience), Is.EqualTo(SpoolArea.Done));
        Assert.That(pagerDuty.Requests.Select(r => r.Payload.GetProperty("summary").GetString()), Has.Exactly(1).Contains("after the database"));
        Assert.That(pagerDuty.Accepted, Has.Count.EqualTo(1), "paged exactly once");
        Assert.That(postgres.Scalar<long>("SELECT count(*) FROM mailgate.messages"), Is.EqualTo(1L), "only the accepted message was stored");
    }

    [Test]
    public void A_storage_created_while_the_database_is_down_refuses_everything_at_once_until_migrated()
    {
        using var postgres = new PausablePostgres(paused: true);
        using var storage = PostgresStorage.Create(postgres.ConnectionString, owner: true, TimeSpan.FromSeconds(30));
        Assert.That(storage.IsOpen, Is.False);
        var failed = Assert.Throws<IOException>(() => storage.Migrate());
        Assert.That(failed!.Message, Does.Not.Contain(postgres.Password));
        Assert.That(PostgresStorage.IsLoginRefused(failed), Is.False, "unreachable is retried, not a refused login");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(storage.IsOpen, Is.False);
            // Not open: the storage is unavailable, which processing never counts against a message.
            Assert.That(() => storage.UnfinishedIds(), Throws.TypeOf<StorageUnavailableException>().With.Message.Contains("not open yet"));
            Assert.That(() => storage.CommitAsync(Envelope(), ReadOnlySequence<byte>.Empty, CancellationToken.None), Throws.TypeOf<StorageUnavailableException>().With.Message.Contains("not open yet"));
            Assert.That(storage.TryLead("support-cases"), Is.False);
            Assert.That(storage.Count(SpoolArea.Active), Is.Null);
            Assert.That(storage.Probe(), Has.Property(nameof(PostgresProbe.Reachable)).False.And.Property(nameof(PostgresProbe.SchemaVersion)).Null);
            Assert.That(storage.ProbeCommit(), Does.Contain("not open yet"));
        }

        postgres.Resume();
        Assert.That(storage.Migrate(), Is.Not.Empty, "the schema is created now");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(storage.IsOpen, Is.True);
            Assert.That(storage.Probe(), Is.EqualTo(new PostgresProbe(true, null, PostgresStorage.SchemaVersion)));
            Assert.That(storage.UnfinishedIds(), Is.Empty);
            Assert.That(storage.TryLead("support-cases"), Is.True);
            Assert.That(storage.Migrate(), Is.Empty, "once open, nothing more to do");
        }
    }

    [TestCase("Host=mailgate-db.invalid;Database=mailgate;Password=s3cret-Pw;Timeout=5")] // a name not resolving yet (a Service not created)
    [TestCase("Host=127.0.0.1;Port=1;Database=mailgate;Password=s3cret-Pw;Timeout=5")] // refused
    public void An_unreachable_database_is_an_IOException_to_retry(string connectionString)
    {
        using var storage = PostgresStorage.Create(connectionString, owner: true, TimeSpan.FromSeconds(30));
        var failed = Assert.Throws<IOException>(() => storage.Migrate());
        Assert.That(failed!.Message, Does.Not.Contain("s3cret-Pw"));
        Assert.That(PostgresStorage.IsLoginRefused(failed), Is.False);
        Assert.That(storage.ProbeCommit(), Does.Contain("not open yet").And.Not.Contain("s3cret-Pw"));
    }

    [Test]
    public async Task A_wrong_password_stops_the_start_with_exit_2_naming_the_setting_and_not_the_password()
    {
        using var backend = new PostgresTestBackend();
        using var run = new GatewayProcessFolder(GatewayHarness.DefaultRules);
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var wrong = new NpgsqlConnectionStringBuilder(backend.ConnectionString) { Password = "wrong-s3cret-pw" }.ConnectionString;
        await using var gateway = GatewayProcess.Start(run.Settings(pagerDuty, "--Spool:Backend=postgres", $"--Spool:ConnectionString={wrong}"));

        Assert.That(await gateway.WaitForExitAsync(Patience), Is.EqualTo(2), string.Join('\n', gateway.Lines));
        var output = string.Join('\n', gateway.Lines);
        Assert.That(gateway.Lines.Where(l => l.Contains("Spool:ConnectionString", StringComparison.Ordinal)), Is.Not.Empty, output);
        Assert.That(output, Does.Contain("refused the login").And.Contain("28P01"));
        Assert.That(output, Does.Not.Contain("wrong-s3cret-pw").And.Not.Contain(new NpgsqlConnectionStringBuilder(backend.ConnectionString).Password!));
    }

    [Test]
    public async Task A_schema_newer_than_the_program_stops_the_start_with_exit_2()
    {
        using var backend = new PostgresTestBackend();
        using (var storage = PostgresStorage.Open(backend.ConnectionString, owner: false, TimeSpan.FromSeconds(30)))
        using (var connection = new NpgsqlConnection(backend.ConnectionString))
        {
            connection.Open();
            using var insert = new NpgsqlCommand($"INSERT INTO mailgate.schema_version (version, name) VALUES ({PostgresStorage.SchemaVersion + 1}, 'future')", connection);
            insert.ExecuteNonQuery();
        }

        using var run = new GatewayProcessFolder(GatewayHarness.DefaultRules);
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(run.Settings(pagerDuty, "--Spool:Backend=postgres", $"--Spool:ConnectionString={backend.ConnectionString}"));

        Assert.That(await gateway.WaitForExitAsync(Patience), Is.EqualTo(2), string.Join('\n', gateway.Lines));
        Assert.That(gateway.Lines.Where(l => l.Contains("Spool:ConnectionString", StringComparison.Ordinal) && l.Contains("newer than this program", StringComparison.Ordinal)), Is.Not.Empty, string.Join('\n', gateway.Lines));
    }

    private static Envelope Envelope() =>
        new(DateTimeOffset.UtcNow, new MailOrigin("sender@example.com", ["x@mailgate.example.com"], "127.0.0.1"));
}
