using MailGate.Cli;
using MailGate.Storage.Postgres;
using Npgsql;

namespace MailGate.Tests.Storage;

/// <summary><c>mailgate db migrate|status</c> against a database of its own: applies, is idempotent, exit codes, never the password.</summary>
[TestFixture]
public sealed class DbCommandTests
{
    [Test]
    public async Task Migrate_applies_every_migration_once_then_says_the_schema_is_current()
    {
        using var backend = new PostgresTestBackend();
        var password = new NpgsqlConnectionStringBuilder(backend.ConnectionString).Password!;
        string[] config = ["--Spool:Backend=postgres", $"--Spool:ConnectionString={backend.ConnectionString}"];

        var status = await RunAsync(["db", "status", .. config]);
        Assert.That(status.Exit, Is.Zero, status.Error);
        Assert.That(status.Output, Does.Contain("none (never migrated)").And.Contain("pending: 0001_"));

        var first = await RunAsync(["db", "migrate", .. config]);
        Assert.That(first.Exit, Is.Zero, first.Error);
        Assert.That(first.Output, Does.Contain($"applied migration {PostgresMigrations.Scripts[0].Name}").And.Contain($"schema is now at version {PostgresStorage.SchemaVersion}"));

        var second = await RunAsync(["db", "migrate", .. config]);
        Assert.That(second.Exit, Is.Zero, second.Error);
        Assert.That(second.Output, Does.Not.Contain("applied migration").And.Contain($"schema is current at version {PostgresStorage.SchemaVersion}"));

        status = await RunAsync(["db", "status", .. config]);
        Assert.That(status.Output, Does.Contain($"schema version: {PostgresStorage.SchemaVersion}").And.Contain("schema is current"));
        Assert.That(first.Output + first.Error + second.Output + second.Error + status.Output + status.Error, Does.Not.Contain(password));
    }

    [Test]
    public async Task A_schema_newer_than_the_program_is_refused_with_exit_2()
    {
        using var backend = new PostgresTestBackend();
        backend.OpenOwner().Dispose();
        backend.MarkSchemaNewer();

        var (exit, _, error) = await RunAsync(["db", "migrate", "--Spool:Backend=postgres", $"--Spool:ConnectionString={backend.ConnectionString}"]);
        Assert.That(exit, Is.EqualTo(ExitCodes.BadConfiguration), error);
        Assert.That(error, Does.Contain("newer than this program"));
    }

    [TestCase("--Spool:Backend=file", "db migrate needs Spool:Backend=postgres")]
    [TestCase("--Spool:Backend=postgres", "it is empty")]
    [TestCase("--Spool:Backend=postgres --Spool:ConnectionString=Host=db;Password=s3cret;Bogus", "not in Npgsql's Key=Value")]
    [TestCase("--Spool:Backend=postgres --Spool:ConnectionString=Password=s3cret;Database=x", "it names no Host")]
    public async Task Bad_configuration_is_exit_2_and_never_shows_the_password(string settings, string expected)
    {
        var (exit, output, error) = await RunAsync(["db", "migrate", .. settings.Split(' ')]);
        Assert.That(exit, Is.EqualTo(ExitCodes.BadConfiguration), output + error);
        Assert.That(error, Does.Contain(expected));
        Assert.That(output + error, Does.Not.Contain("s3cret"));
    }

    [Test]
    public async Task An_unreachable_database_is_exit_1_with_the_reason_and_never_the_password()
    {
        using var postgres = new PausablePostgres(paused: true);
        var (exit, output, error) = await RunAsync(["db", "migrate", "--Spool:Backend=postgres", $"--Spool:ConnectionString={postgres.ConnectionString}"]);
        Assert.That(exit, Is.EqualTo(ExitCodes.Failure), output + error);
        Assert.That(error, Does.Contain("PostgreSQL (127.0.0.1:").And.Contain("/mailgate) cannot be used: "));
        Assert.That(output + error, Does.Not.Contain(postgres.Password));
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
