using MailGate.Core.Storage;
using MailGate.Storage.Postgres;
using MailGate.Tests.Shared.Storage;
using Npgsql;

namespace MailGate.Tests.Storage;

/// <summary>The PostgreSQL backend (<see cref="PostgresStorage"/>) over a database of its own, created for one test and dropped after it.</summary>
public sealed class PostgresTestBackend : IStorageTestBackend
{
    // The ids the interrupted commits below use: none of them may ever become a row.
    private static readonly string[] InterruptedIds = ["019a00000001-00000001", "019a00000002-00000002", "019a00000003-00000003"];
    private readonly string _database = "mailgate_test_" + Guid.NewGuid().ToString("N");
    private readonly string _connectionString;

    public PostgresTestBackend()
    {
        AsAdmin($"CREATE DATABASE {_database}");
        _connectionString = new NpgsqlConnectionStringBuilder(PostgresTestCluster.ConnectionString) { Database = _database }.ConnectionString;
    }

    public bool SingleOwner => false;

    /// <summary>The test's own database (no pooling limits changed).</summary>
    public string ConnectionString => _connectionString;

    public IMessageStorage OpenOwner() => PostgresStorage.Open(_connectionString, owner: true, TimeSpan.FromSeconds(30));

    public IMessageStorage OpenShared() => PostgresStorage.Open(_connectionString, owner: false, TimeSpan.FromSeconds(30));

    /// <summary>
    /// A crash mid-commit in PostgreSQL is a transaction that never committed: inserts the messages in a transaction
    /// and drops the connection before the commit. Nothing is left to clean up (0), and <see cref="Leftovers"/> checks
    /// that none of them became a row.
    /// </summary>
    public int LeaveInterruptedCommits()
    {
        using (var connection = new NpgsqlConnection(_connectionString + ";Pooling=false"))
        {
            connection.Open();
            using var tx = connection.BeginTransaction();
            foreach (var id in InterruptedIds)
            {
                using var insert = new NpgsqlCommand("INSERT INTO mailgate.messages (id, area, content, envelope) VALUES ($1, 'active', $2, '{}')", connection, tx);
                insert.Parameters.AddWithValue(id);
                insert.Parameters.AddWithValue("Subject: half\r\n"u8.ToArray());
                insert.ExecuteNonQuery();
            }
        }

        return 0;
    }

    public int Leftovers() => (int)Scalar<long>("SELECT count(*) FROM mailgate.messages WHERE id = ANY($1)", InterruptedIds);

    public void DamageEnvelope(string id) => Damage("envelope", id);

    public void DamageState(string id) => Damage("state", id);

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        AsAdmin($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
    }

    /// <summary>Runs <paramref name="sql"/> (with positional parameters <c>$1</c>…) on the test's database; returns the rows it affected.</summary>
    public int Execute(string sql, params object[] parameters)
    {
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return command.ExecuteNonQuery();
    }

    /// <summary>Records a schema version newer than the program's, as a newer MailGate's migration would.</summary>
    public void MarkSchemaNewer() =>
        Execute($"INSERT INTO mailgate.schema_version (version, name) VALUES ({MailGate.Storage.Postgres.PostgresStorage.SchemaVersion + 1}, 'future')");

    private void Damage(string column, string id) =>
        Assert.That(Scalar<int>($"WITH d AS (UPDATE mailgate.messages SET {column} = '{{ truncated' WHERE id = $1 RETURNING 1) SELECT count(*)::int FROM d", id), Is.EqualTo(1));

    private T Scalar<T>(string sql, object parameter)
    {
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(parameter);
        return (T)command.ExecuteScalar()!;
    }

    private static void AsAdmin(string sql)
    {
        using var connection = new NpgsqlConnection(PostgresTestCluster.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
