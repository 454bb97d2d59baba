using MailGate.Core.Storage;
using Npgsql;

namespace MailGate.Storage.Postgres;

/// <summary>
/// Opening: <see cref="Create"/> (no I/O) then <see cref="Migrate"/> (connect, bring the schema up to date), or both
/// at once (<see cref="Open"/>). Until <see cref="Migrate"/> succeeded the storage is "not open": every call that
/// would touch the database throws <see cref="IOException"/> at once, as during an outage, so a gateway started while
/// PostgreSQL is down answers <c>451 4.3.0</c>, reports itself unready, and its deliveries, leases and pollers wait
/// (see <c>Spool/PostgresOpener</c>, which retries in the background).
/// </summary>
public sealed partial class PostgresStorage
{
    private volatile bool _open;
    private volatile string _openProblem = "its schema has not been checked yet";

    /// <summary>Whether <see cref="Migrate"/> succeeded (the schema is current): until then every database call throws <see cref="IOException"/>.</summary>
    public bool IsOpen => _open;

    /// <summary>
    /// Creates the storage for the database named by <paramref name="connectionString"/> (Npgsql syntax) without
    /// connecting: it is not open (<see cref="IsOpen"/>) until <see cref="Migrate"/> succeeds.
    /// </summary>
    /// <param name="connectionString">E.g. <c>Host=db;Port=5432;Database=mailgate;Username=mailgate;Password=…</c>.</param>
    /// <param name="owner">Whether this is an owner: it claims messages and leads the pollers.</param>
    /// <param name="lease">How long a claim lasts without <see cref="Renew"/> before another owner may take it over.</param>
    /// <exception cref="ArgumentException">The connection string is not valid (the message never quotes it).</exception>
    public static PostgresStorage Create(string connectionString, bool owner, TimeSpan lease)
    {
        NpgsqlDataSource dataSource;
        try
        {
            dataSource = NpgsqlDataSource.Create(Bounded(connectionString, DefaultConnectTimeoutSeconds, DefaultCommandTimeoutSeconds));
        }
        catch (ArgumentException)
        {
            // Npgsql's message (and its inner FormatException) quotes the value it could not read: it may be the password.
            throw new ArgumentException("the connection string is not in Npgsql's Key=Value;… syntax", nameof(connectionString));
        }

        // Its own small pool: a probe never waits behind sessions holding every pooled connection.
        var probeSource = NpgsqlDataSource.Create(Bounded(connectionString, ProbeTimeoutSeconds, ProbeTimeoutSeconds, maxPoolSize: 2));
        return new PostgresStorage(dataSource, probeSource, owner, lease);
    }

    /// <summary>
    /// Opens the database as a shared view without changing its schema (the <c>mailgate spool</c> commands: a newer
    /// tool must not migrate a database that older gateways run on, and <c>list</c> and <c>show</c> only read): its
    /// schema must be this program's version (one read).
    /// </summary>
    /// <param name="connectionString">As for <see cref="Open"/>.</param>
    /// <param name="lease">As for <see cref="Open"/>.</param>
    /// <exception cref="IOException">The database cannot be reached, or its schema is older than this program's (run <c>mailgate db migrate</c>).</exception>
    /// <exception cref="SchemaTooNewException">A newer MailGate migrated the database.</exception>
    /// <exception cref="ArgumentException">The connection string is not valid.</exception>
    public static PostgresStorage OpenShared(string connectionString, TimeSpan lease)
    {
        var storage = Create(connectionString, owner: false, lease);
        try
        {
            int? version;
            try
            {
                version = PostgresMigrations.CurrentVersion(storage._dataSource);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                throw new IOException($"PostgreSQL ({storage.Endpoint}) cannot be used: {e.Message}", e);
            }

            if (version > SchemaVersion)
            {
                throw new SchemaTooNewException(version.Value, SchemaVersion);
            }

            if (version != SchemaVersion)
            {
                throw new IOException($"PostgreSQL ({storage.Endpoint}) is at schema version {version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, this program's is {SchemaVersion}: run `mailgate db migrate` (or start a gateway) first");
            }

            storage._open = true;
            return storage;
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the database named by <paramref name="connectionString"/> (Npgsql syntax) and brings its schema up to
    /// date (<see cref="PostgresMigrations"/>), as an owner (the gateway) or a shared view (the commands):
    /// <see cref="Create"/> then <see cref="Migrate"/>.
    /// </summary>
    /// <param name="connectionString">E.g. <c>Host=db;Port=5432;Database=mailgate;Username=mailgate;Password=…</c>.</param>
    /// <param name="owner">Whether this is an owner: it claims messages and leads the pollers.</param>
    /// <param name="lease">How long a claim lasts without <see cref="Renew"/> before another owner may take it over.</param>
    /// <exception cref="IOException">The database cannot be reached or its schema cannot be brought up to date.</exception>
    /// <exception cref="SchemaTooNewException">A newer MailGate migrated the database.</exception>
    /// <exception cref="ArgumentException">The connection string is not valid.</exception>
    public static PostgresStorage Open(string connectionString, bool owner, TimeSpan lease)
    {
        var storage = Create(connectionString, owner, lease);
        try
        {
            storage.Migrate();
            return storage;
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects and brings the schema up to date under the migration lock (<see cref="PostgresMigrations.Apply"/>);
    /// once it succeeded the storage is open (<see cref="IsOpen"/>; later calls do nothing and return no versions).
    /// Safe to call again after a failure.
    /// </summary>
    /// <returns>The migration versions applied now (also in <see cref="AppliedMigrations"/>).</returns>
    /// <exception cref="IOException">The database cannot be reached or refused (the inner exception is Npgsql's, e.g. a <see cref="PostgresException"/> with its SQLSTATE); the message never holds the password.</exception>
    /// <exception cref="SchemaTooNewException">A newer MailGate migrated the database.</exception>
    public IReadOnlyList<int> Migrate()
    {
        if (_open)
        {
            return [];
        }

        try
        {
            AppliedMigrations = PostgresMigrations.Apply(_dataSource);
            _open = true;
            return AppliedMigrations;
        }
        catch (SchemaTooNewException e)
        {
            _openProblem = e.Message;
            throw;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            _openProblem = e.Message;
            throw new IOException($"PostgreSQL ({Endpoint}) cannot be used: {e.Message}", e);
        }
    }

    /// <summary>Whether <paramref name="error"/> (from <see cref="Migrate"/>) is a refused login (SQLSTATE <c>28P01</c> wrong password, <c>28000</c> not allowed): trying again will not help.</summary>
    public static bool IsLoginRefused(Exception error) =>
        (error as PostgresException ?? error?.InnerException as PostgresException) is { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification };

    /// <summary>Reads the schema version of the database named by <paramref name="connectionString"/> without changing anything.</summary>
    /// <returns>Where the database is (<c>host:port/database</c>) and its version (null: never migrated).</returns>
    /// <exception cref="IOException">The database cannot be reached or read.</exception>
    /// <exception cref="ArgumentException">The connection string is not valid.</exception>
    public static (string Endpoint, int? Version) ReadSchemaVersion(string connectionString)
    {
        using var dataSource = NpgsqlDataSource.Create(Bounded(connectionString, DefaultConnectTimeoutSeconds, DefaultCommandTimeoutSeconds));
        try
        {
            return (Describe(connectionString), PostgresMigrations.CurrentVersion(dataSource));
        }
        catch (NpgsqlException e)
        {
            throw new IOException($"PostgreSQL ({Describe(connectionString)}) cannot be used: {e.Message}", e);
        }
    }

    /// <summary>Why the storage is not open yet, for <see cref="Probe"/> and the errors of every call.</summary>
    private string NotOpenProblem => $"PostgreSQL at {Endpoint} is not open yet (connecting and bringing the schema up to date in the background): {_openProblem}";

    private void ThrowIfNotOpen()
    {
        if (!_open)
        {
            throw new StorageUnavailableException(NotOpenProblem);
        }
    }
}
