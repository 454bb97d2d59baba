using MailGate.Core.Decide;
using MailGate.Core.Messages;
using MailGate.Core.Rules;
using MailGate.Storage.Postgres;
using MailGate.Tests.Shared;
using Npgsql;

namespace MailGate.Tests.Storage;

/// <summary>
/// A database made read-only (<c>ALTER DATABASE … SET default_transaction_read_only = on</c>, as for a full disk)
/// and writable again: while read-only every write fails (a commit is <c>451</c>, never <c>250</c>) and the probe says
/// so; once writable, the very next call of every kind succeeds — the pooled connections that connected read-only
/// are not reused (before the fix they kept failing with 25006 until the gateway restarted). A start on a database
/// whose schema is current writes nothing, so it works read-only and for a role that may only use the tables.
/// </summary>
[TestFixture]
public sealed class PostgresReadOnlyTests : PostgresDatabaseTest
{
    [TestCase("commit")]
    [TestCase("claim")]
    [TestCase("untrusted limiter")]
    [TestCase("probe")]
    public async Task ReadOnlyThenWritable_TheNextCallSucceeds(string first)
    {
        using (Open())
        {
            // migrated
        }

        SetReadOnly(true);
        using var storage = Open(); // connects while the database is read-only
        var limiter = storage.UntrustedLimiter();
        var calls = new Dictionary<string, Func<Task>>
        {
            ["commit"] = () => storage.CommitAsync(Mail(), Segments.Of("Subject: x"), CancellationToken.None),
            ["claim"] = () => Task.FromResult(storage.ClaimUnfinished()),
            ["untrusted limiter"] = () => Task.FromResult(limiter.TryAcquire("abuse@example.net", "198.51.100.7", UntrustedTreatment.Default)),
            ["probe"] = () => storage.Probe().Problem is { } problem ? Task.FromException(new IOException(problem)) : Task.CompletedTask,
        };

        Assert.That(() => calls[first](), Throws.InstanceOf<IOException>(), "read-only: refused, never a silent success");

        SetReadOnly(false);

        Assert.That(storage.Probe().Problem, Is.Null);
        foreach (var (name, call) in calls)
        {
            Assert.That(() => call(), Throws.Nothing, name);
        }
    }

    [Test]
    public async Task ARoleThatMayOnlyReadAndWriteTheTables_StartsOnAMigratedSchema()
    {
        using (Open())
        {
            // migrated by the owner (as `mailgate db migrate` does)
        }

        var role = "mailgate_app_" + Guid.NewGuid().ToString("N")[..12];
        var database = new NpgsqlConnectionStringBuilder(Backend.ConnectionString).Database!;
        Admin(
            $"CREATE ROLE {role} LOGIN PASSWORD 'app-pw'",
            $"REVOKE CREATE ON DATABASE \"{database}\" FROM PUBLIC",
            $"GRANT CONNECT ON DATABASE \"{database}\" TO {role}");
        try
        {
            InDatabase($"GRANT USAGE ON SCHEMA mailgate TO {role}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA mailgate TO {role}");

            var app = new NpgsqlConnectionStringBuilder(Backend.ConnectionString) { Username = role, Password = "app-pw" }.ConnectionString;
            using var storage = PostgresStorage.Open(app, owner: true, Lease);
            var message = await storage.CommitAsync(Mail(), Segments.Of("Subject: x"), CancellationToken.None);

            Assert.That(storage.AppliedMigrations, Is.Empty);
            Assert.That(storage.ClaimUnfinished().Select(m => m.Id), Does.Contain(message.Id));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            InDatabase($"DROP OWNED BY {role}");
            Admin($"DROP ROLE {role}");
        }
    }

    private static Envelope Mail() => Envelope.ForMail("bounce@example.com", ["aws-abuse@mailgate.example.com"], DateTimeOffset.UtcNow, "192.0.2.1", "s");

    private void SetReadOnly(bool on)
    {
        var database = new NpgsqlConnectionStringBuilder(Backend.ConnectionString).Database!;
        Admin(on ? $"ALTER DATABASE \"{database}\" SET default_transaction_read_only = on" : $"ALTER DATABASE \"{database}\" RESET default_transaction_read_only");
    }

    private void InDatabase(string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Backend.ConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Runs statements as the cluster's superuser outside the test database.</summary>
    private void Admin(params string[] statements)
    {
        var admin = new NpgsqlConnectionStringBuilder(Backend.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        using var connection = new NpgsqlConnection(admin);
        connection.Open();
        foreach (var sql in statements)
        {
            using var command = new NpgsqlCommand(sql, connection);
            command.ExecuteNonQuery();
        }
    }
}
