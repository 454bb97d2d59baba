using Npgsql;
using System.Globalization;

namespace MailGate.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema: ordered SQL scripts embedded in the program (<c>Storage/Postgres/Migrations/NNNN_name.sql</c>),
/// each applied once in its own transaction and recorded in <c>mailgate.schema_version</c> (all tables are in the
/// schema <c>mailgate</c>, created when missing). Applied under a
/// transaction-level advisory lock, so two gateways starting at once apply each script once: the second waits, then
/// finds it recorded.
/// </summary>
public static class PostgresMigrations
{
    /// <summary>The advisory lock key every MailGate migration takes (an arbitrary constant: "MailGate" in ASCII).</summary>
    public const long LockKey = 0x4D61696C47617465;

    private const string ResourcePrefix = "MailGate.Migrations.";

    /// <summary>The embedded scripts, oldest first: (version, name, SQL).</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = Load();

    /// <summary>Applies every script the database lacks; returns the versions applied now (none when it is current).</summary>
    /// <exception cref="NpgsqlException">The database refused (unreachable, no rights, a script failed: nothing of that script stays).</exception>
    /// <exception cref="SchemaTooNewException">The database is at a version this program does not know (a newer MailGate migrated it).</exception>
    public static IReadOnlyList<int> Apply(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        using var connection = dataSource.OpenConnection();
        if (IsCurrent(connection))
        {
            // Nothing to apply: no DDL and no write, so that a role with only the rights to read and write the
            // tables (the schema migrated by its owner with `mailgate db migrate`) and a read-only database start too.
            return [];
        }

        using (var create = new NpgsqlCommand("CREATE SCHEMA IF NOT EXISTS mailgate; CREATE TABLE IF NOT EXISTS mailgate.schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", connection))
        {
            // Two first starters may race here too: the lock below orders everything after; a lost race surfaces
            // as a unique violation on the catalog, so take the lock first for the creation as well.
            using var tx = connection.BeginTransaction();
            Lock(connection, tx);
            create.Transaction = tx;
            create.ExecuteNonQuery();
            using var newest = new NpgsqlCommand("SELECT max(version) FROM mailgate.schema_version", connection, tx);
            if (newest.ExecuteScalar() is int version && version > Scripts[^1].Version)
            {
                throw new SchemaTooNewException(version, Scripts[^1].Version);
            }

            tx.Commit();
        }

        var applied = new List<int>();
        foreach (var (version, name, sql) in Scripts)
        {
            using var tx = connection.BeginTransaction();
            Lock(connection, tx);
            using (var check = new NpgsqlCommand("SELECT count(*) FROM mailgate.schema_version WHERE version = $1", connection, tx))
            {
                check.Parameters.AddWithValue(version);
                if ((long)check.ExecuteScalar()! > 0)
                {
                    tx.Commit();
                    continue;
                }
            }

            using (var script = new NpgsqlCommand(sql, connection, tx))
            {
                script.ExecuteNonQuery();
            }

            using (var record = new NpgsqlCommand("INSERT INTO mailgate.schema_version (version, name) VALUES ($1, $2)", connection, tx))
            {
                record.Parameters.AddWithValue(version);
                record.Parameters.AddWithValue(name);
                record.ExecuteNonQuery();
            }

            tx.Commit();
            applied.Add(version);
        }

        return applied;
    }

    /// <summary>The database's schema version (the newest migration recorded), or null when it has none yet.</summary>
    /// <exception cref="NpgsqlException">The database cannot be read.</exception>
    public static int? CurrentVersion(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        using var connection = dataSource.OpenConnection();
        using (var exists = new NpgsqlCommand("SELECT to_regclass('mailgate.schema_version') IS NOT NULL", connection))
        {
            if (exists.ExecuteScalar() is not true)
            {
                return null;
            }
        }

        using var command = new NpgsqlCommand("SELECT max(version) FROM mailgate.schema_version", connection);
        return command.ExecuteScalar() is int version ? version : null;
    }

    /// <summary>Whether every script is recorded already (read only: <c>to_regclass</c> and a <c>SELECT</c>).</summary>
    /// <exception cref="SchemaTooNewException">The database is at a newer version than this program's.</exception>
    private static bool IsCurrent(NpgsqlConnection connection)
    {
        using (var exists = new NpgsqlCommand("SELECT to_regclass('mailgate.schema_version') IS NOT NULL", connection))
        {
            if (exists.ExecuteScalar() is not true)
            {
                return false;
            }
        }

        using var command = new NpgsqlCommand("SELECT count(*) FILTER (WHERE version = ANY($1)), max(version) FROM mailgate.schema_version", connection);
        command.Parameters.AddWithValue(Scripts.Select(s => s.Version).ToArray());
        using var reader = command.ExecuteReader();
        reader.Read();
        var newest = reader.IsDBNull(1) ? (int?)null : reader.GetInt32(1);
        if (newest > Scripts[^1].Version)
        {
            throw new SchemaTooNewException(newest.Value, Scripts[^1].Version);
        }

        return reader.GetInt64(0) == Scripts.Count;
    }

    private static void Lock(NpgsqlConnection connection, NpgsqlTransaction tx)
    {
        using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, tx);
        command.Parameters.AddWithValue(LockKey);
        command.ExecuteNonQuery();
    }

    private static List<(int, string, string)> Load()
    {
        var assembly = typeof(PostgresMigrations).Assembly;
        var scripts = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[ResourcePrefix.Length..^".sql".Length];
            var version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add((version, name, reader.ReadToEnd()));
        }

        return scripts;
    }
}

/// <summary>The database's schema is newer than this program's migrations: a newer MailGate migrated it. Not retried: run that version.</summary>
public sealed class SchemaTooNewException : Exception
{
    /// <summary>Creates the exception for a database at <paramref name="found"/> and a program that knows up to <paramref name="known"/>.</summary>
    public SchemaTooNewException(int found, int known)
        : base($"the database schema is at version {found}, newer than this program's {known} (a newer MailGate migrated it): run that version or newer")
    {
        Found = found;
        Known = known;
    }

    /// <summary>The database's version.</summary>
    public int Found { get; }

    /// <summary>This program's newest migration.</summary>
    public int Known { get; }
}
