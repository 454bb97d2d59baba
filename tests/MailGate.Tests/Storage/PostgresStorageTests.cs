using MailGate.Core.Messages;
using MailGate.Core.Storage;
using MailGate.Spool;
using MailGate.Storage.Postgres;
using MailGate.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MailGate.Tests.Storage;

/// <summary>
/// What the PostgreSQL backend promises beyond the conformance suite: migrations safe for starters at once, claims
/// that give each message to one owner, a lease another owner takes over, a location without the password, and the
/// checks of its options.
/// </summary>
[TestFixture]
public sealed class PostgresStorageTests : PostgresDatabaseTest
{

    private static Envelope Mail(int second) =>
        Envelope.ForMail("bounce@example.com", ["aws-abuse@mailgate.example.com"], new DateTimeOffset(2026, 11, 28, 12, 0, second, TimeSpan.Zero), "192.0.2.1", "s");

    [Test]
    public async Task Open_FourStartersAtOnce_EachScriptAppliedOnceAndAllOpen()
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresStorage.Open(Backend.ConnectionString, owner: true, Lease))));
        try
        {
            using var connection = new NpgsqlConnection(Backend.ConnectionString);
            connection.Open();
            using var versions = new NpgsqlCommand("SELECT version FROM mailgate.schema_version ORDER BY version", connection);
            using var reader = versions.ExecuteReader();
            var applied = new List<int>();
            while (reader.Read())
            {
                applied.Add(reader.GetInt32(0));
            }

            Assert.That(applied, Is.EqualTo(PostgresMigrations.Scripts.Select(s => s.Version)));
            Assert.That(opened.SelectMany(s => s.AppliedMigrations), Is.EquivalentTo(PostgresMigrations.Scripts.Select(s => s.Version)), "each script applied by one starter (not always the same one), the others found it applied");
            Assert.That(PostgresStorage.SchemaVersion, Is.EqualTo(PostgresMigrations.Scripts[^1].Version));
            Assert.That(PostgresMigrations.Scripts.Select(s => s.Version), Does.Contain(1).And.Contain(3).And.Ordered);
            using var again = NpgsqlDataSource.Create(Backend.ConnectionString);
            Assert.That(PostgresMigrations.Apply(again), Is.Empty);
        }
        finally
        {
            foreach (var storage in opened)
            {
                storage.Dispose();
            }
        }
    }

    [Test]
    public async Task ClaimUnfinished_TwoOwnersAtOnce_EachMessageToExactlyOne()
    {
        using var committer = PostgresStorage.Open(Backend.ConnectionString, owner: true, Lease);
        var committed = new List<StoredMessage>();
        for (var i = 0; i < 20; i++)
        {
            var message = await committer.CommitAsync(Mail(i), Segments.Of("Subject: x"), CancellationToken.None);
            committer.Release(message);
            committed.Add(message);
        }

        using var a = PostgresStorage.Open(Backend.ConnectionString, owner: true, Lease);
        using var b = PostgresStorage.Open(Backend.ConnectionString, owner: true, Lease);
        var claims = await Task.WhenAll(Task.Run(a.ClaimUnfinished), Task.Run(b.ClaimUnfinished));

        var ids = claims.SelectMany(c => c.Select(m => m.Id)).ToList();
        Assert.That(ids, Is.EquivalentTo(committed.Select(m => m.Id)));
        Assert.That(a.ClaimUnfinished().Concat(b.ClaimUnfinished()).Select(m => m.Id), Is.EquivalentTo(committed.Select(m => m.Id)), "each owner claims its own again, never the other's");
        Assert.That(a.ClaimUnfinished().Select(m => m.Id).Intersect(b.ClaimUnfinished().Select(m => m.Id)), Is.Empty);
    }

    /// <summary>
    /// The rescan's list is what this owner may claim: not the messages another replica holds under a live lease (each
    /// id listed costs the rescan a claim, a transaction of its own, every Spool:ScanInterval on every replica: a backlog
    /// held by one replica made the others' scans grow with it, for nothing).
    /// </summary>
    [Test]
    public async Task UnfinishedIds_NotTheMessagesAnotherOwnerHolds()
    {
        using var a = Open();
        using var b = Open();
        using var stalled = PostgresStorage.Open(Backend.ConnectionString, owner: true, TimeSpan.FromSeconds(-1)); // its leases have run out
        var held = await a.CommitAsync(Mail(0), Segments.Of("Subject: x"), CancellationToken.None);
        var free = await a.CommitAsync(Mail(1), Segments.Of("Subject: x"), CancellationToken.None);
        a.Release(free);
        var lapsed = await stalled.CommitAsync(Mail(2), Segments.Of("Subject: x"), CancellationToken.None);

        Assert.That(a.UnfinishedIds(), Is.EqualTo(new[] { held.Id, free.Id, lapsed.Id }), "its own, the unclaimed, the lapsed");
        Assert.That(b.UnfinishedIds(), Is.EqualTo(new[] { free.Id, lapsed.Id }), "not the one a holds");
    }

    [Test]
    public async Task WriteState_LeaseRanOutAndTakenOver_LeaseLostForTheOldOwnerAndTheNewOneGoesOn()
    {
        using var stalled = PostgresStorage.Open(Backend.ConnectionString, owner: true, TimeSpan.FromSeconds(-1)); // every lease it takes has run out
        using var other = PostgresStorage.Open(Backend.ConnectionString, owner: true, Lease);
        var message = await stalled.CommitAsync(Mail(0), Segments.Of("Subject: x"), CancellationToken.None);

        var taken = other.Claim(message.Id);

        Assert.That(taken, Is.Not.Null);
        Assert.That(() => stalled.WriteState(message, new ProcessingState { Error = "late" }), Throws.TypeOf<LeaseLostException>().With.Property(nameof(LeaseLostException.MessageId)).EqualTo(message.Id));
        Assert.That(() => stalled.Finish(message, SpoolArea.Done), Throws.TypeOf<LeaseLostException>());
        Assert.That(stalled.Renew([message]), Is.EqualTo(new[] { message.Id }));
        Assert.That(stalled.IsUnfinished(message), Is.False);
        Assert.That(other.Renew([taken!]), Is.Empty);
        other.WriteState(taken!, new ProcessingState { Error = "mine" });
        Assert.That(other.ReadState(taken!).Error, Is.EqualTo("mine"));
        Assert.That(other.Finish(taken!, SpoolArea.Dead).Id, Is.EqualTo(message.Id));
        Assert.That(() => other.WriteState(taken!, new ProcessingState()), Throws.TypeOf<IOException>());
    }

    [Test]
    public void Location_PasswordInTheConnectionString_NamesHostPortAndDatabaseOnly()
    {
        using var storage = PostgresStorage.Open(Backend.ConnectionString, owner: false, Lease);
        var builder = new NpgsqlConnectionStringBuilder(Backend.ConnectionString);

        Assert.That(storage.Location, Is.EqualTo($"postgres://127.0.0.1:{builder.Port}/{builder.Database}"));
        Assert.That(storage.Location, Does.Not.Contain(builder.Password));
    }

    [Test]
    public void Open_Unreachable_IOExceptionWithoutThePassword()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(Backend.ConnectionString) { Port = 1, Password = "s3cret-Pw", Timeout = 5 }.ConnectionString;

        Assert.That(() => PostgresStorage.Open(unreachable, owner: true, Lease), Throws.TypeOf<IOException>().With.Message.Contains("127.0.0.1:1/").And.Message.Not.Contains("s3cret-Pw"));
    }

    // A value Npgsql cannot parse (a port, a timeout) is echoed by its FormatException: the commands printed it with a stack trace.
    [TestCase("Host=127.0.0.1;Port=s3cret-Pw;Database=mailgate;Password=s3cret-Pw")]
    [TestCase("Host=127.0.0.1;Database=mailgate;Password=pw;Timeout=s3cret-Pw")]
    [TestCase("Host=127.0.0.1;Database=mailgate;Pasword=s3cret-Pw")]
    [TestCase("Host=127.0.0.1;Database=mailgate;Password=\"s3cret-Pw")]
    public async Task SpoolCommand_MalformedConnectionString_ConfigurationErrorWithoutTheValue(string connectionString)
    {
        using var output = new StringWriter();

        var exit = await MailGate.Cli.MailGateCommandLine.RunAsync(["spool", "list", "--Spool:Backend=postgres", "--Spool:ConnectionString=" + connectionString], output, output);

        Assert.That(exit, Is.EqualTo(MailGate.Cli.ExitCodes.BadConfiguration), output.ToString());
        Assert.That(output.ToString(), Does.Contain("Spool:ConnectionString must be an Npgsql connection string").And.Not.Contains("s3cret-Pw").And.Not.Contains("Unhandled"));
    }

    [TestCase("--Spool:Backend=sqlite", "Spool:Backend must be 'file' or 'postgres'")]
    [TestCase("--Spool:Backend=postgres", "Spool:ConnectionString must be an Npgsql connection string naming Host and Database")]
    [TestCase("--Spool:LeaseDuration=00:00:00.5", "Spool:LeaseDuration must be at least 00:00:01")]
    public void SpoolOptions_Invalid_RefusedNamingTheKey(string argument, string expected)
    {
        using var services = Services(argument);

        Assert.That(() => services.GetRequiredService<IOptions<SpoolOptions>>().Value, Throws.TypeOf<OptionsValidationException>().With.Message.Contains(expected));
    }

    [TestCase("", "it is empty")]
    [TestCase("Database=mailgate", "it names no Host")]
    [TestCase("Host=db", "it names no Database")]
    [TestCase("Host=db;Nonsense=1", "it is not in Npgsql's Key=Value;… syntax")]
    [TestCase("Host=db;Database=mailgate;Username=mailgate", null)]
    public void ConnectionStringProblem_Table(string connectionString, string? expected) =>
        Assert.That(SpoolServiceCollectionExtensions.ConnectionStringProblem(connectionString), Is.EqualTo(expected));

    [Test]
    public void AddSpool_PostgresBackend_EveryRoleIsThePostgresStorage()
    {
        using var services = Services("--Spool:Backend=postgres", "--Spool:ConnectionString=" + Backend.ConnectionString);

        var storage = services.GetRequiredService<IMessageStorage>();

        Assert.That(storage, Is.TypeOf<PostgresStorage>());
        Assert.That(new object[] { services.GetRequiredService<IMessageIntake>(), services.GetRequiredService<IProcessingStore>(), services.GetRequiredService<IStorageHealth>() }, Has.All.SameAs(storage));
        Assert.That(storage.ProbeCommit(), Is.Null);
    }

    private static ServiceProvider Services(params string[] arguments)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddCommandLine(arguments).Build());
        services.AddLogging();
        services.AddSpool();
        return services.BuildServiceProvider();
    }
}
