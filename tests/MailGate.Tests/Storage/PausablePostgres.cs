using Npgsql;

namespace MailGate.Tests.Storage;

/// <summary>
/// A throw-away PostgreSQL cluster of one test's own (never the shared one: the test stops it), started with
/// <c>eng/postgres-test-cluster.sh</c>: <see cref="Pause"/> is an outage (a fast shutdown, its data kept),
/// <see cref="Resume"/> ends it on the same port. Dispose removes the cluster.
/// </summary>
public sealed class PausablePostgres : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mailgate-pg-outage-" + Guid.NewGuid().ToString("N"));

    /// <summary>Starts a new cluster, or pauses it at once when <paramref name="paused"/> (a gateway that starts during an outage).</summary>
    public PausablePostgres(bool paused = false)
    {
        var (exit, output, error) = PostgresTestCluster.Script("start", _folder);
        if (exit != 0)
        {
            PostgresTestCluster.Script("stop", _folder);
            Assert.Fail($"no throw-away PostgreSQL could be started with eng/postgres-test-cluster.sh (exit {exit}):\n{error}");
        }

        // The gateway's own database, named so the connection string says which.
        var admin = output.Trim().Split('\n')[^1];
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var create = new NpgsqlCommand("CREATE DATABASE mailgate", connection);
            create.ExecuteNonQuery();
        }

        NpgsqlConnection.ClearAllPools();
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = "mailgate" }.ConnectionString;
        if (paused)
        {
            Pause();
        }
    }

    /// <summary>The cluster's <c>mailgate</c> database (user postgres, with a password).</summary>
    public string ConnectionString { get; }

    /// <summary>The password in <see cref="ConnectionString"/> (no output may show it).</summary>
    public string Password => new NpgsqlConnectionStringBuilder(ConnectionString).Password!;

    /// <summary>Stops the server (fast shutdown: sessions are cut, the data stays).</summary>
    public void Pause()
    {
        Run("pause");
    }

    /// <summary>Starts the server again on its port.</summary>
    public void Resume()
    {
        Run("resume");
    }

    /// <summary>Runs <paramref name="sql"/> on the database and returns the first column of the first row.</summary>
    public T Scalar<T>(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return (T)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        PostgresTestCluster.Script("stop", _folder);
    }

    private void Run(string command)
    {
        var (exit, _, error) = PostgresTestCluster.Script(command, _folder);
        Assert.That(exit, Is.Zero, $"eng/postgres-test-cluster.sh {command}: {error}");
    }
}
