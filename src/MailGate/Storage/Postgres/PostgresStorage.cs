using MailGate.Core.Messages;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using Npgsql;
using System.Buffers;
using System.Globalization;

namespace MailGate.Storage.Postgres;

/// <summary>A message stored in PostgreSQL: its id and envelope (the row is <c>mailgate.messages</c>, keyed by the id).</summary>
public sealed record PostgresStoredMessage(string Id, Envelope Envelope) : StoredMessage(Id, Envelope);

/// <summary>
/// The PostgreSQL backend of the storage seam (<c>Spool:Backend: postgres</c>, issue #14): one row per
/// message in <c>mailgate.messages</c> (content bytes, envelope and state JSON as the file spool writes them, the
/// area as a column), the cursors and feature state in <c>mailgate.documents</c>. Every change is one statement or
/// one transaction, committed before the call returns; concurrent message commits share one transaction (group commit,
/// <see cref="PostgresGroupCommitter"/>). With PostgreSQL's default <c>synchronous_commit=on</c> the
/// commit is on the primary's disk when <see cref="CommitAsync"/> completes.
/// </summary>
/// <remarks>
/// Claims: an owner claims unfinished rows with <c>FOR UPDATE SKIP LOCKED</c> and a lease (<c>lease_owner</c>,
/// <c>lease_expires</c> from the database's clock); a row whose lease ran out may be claimed by another owner, and
/// the previous owner's writes are then refused with <see cref="LeaseLostException"/>. Disposing releases its claims. Database errors surface as <see cref="IOException"/>, as the seam asks.
/// </remarks>
public sealed partial class PostgresStorage : IMessageStorage
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _probeSource;
    private readonly Guid _owner = Guid.NewGuid();
    private readonly TimeSpan _lease;
    private readonly PostgresGroupCommitter _groupCommit;
    private int _disposed;

    private PostgresStorage(NpgsqlDataSource dataSource, NpgsqlDataSource probeSource, bool owner, TimeSpan lease)
    {
        _dataSource = dataSource;
        _probeSource = probeSource;
        IsOwner = owner;
        _lease = lease;
        _groupCommit = new PostgresGroupCommitter(dataSource, _owner, lease);
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Endpoint = string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}/{builder.Database}");
        Location = "postgres://" + Endpoint;
    }

    /// <summary>Npgsql's <c>Timeout</c> (seconds to open a connection, or to wait for one from the pool) when the connection string sets none or 0 (no limit).</summary>
    public const int DefaultConnectTimeoutSeconds = 15;

    /// <summary>Npgsql's <c>Command Timeout</c> (seconds one statement may take, the commit of a message included) when the connection string sets none or 0.</summary>
    public const int DefaultCommandTimeoutSeconds = 30;

    /// <summary>The time limit, in seconds, of <see cref="ProbeCommit"/>'s connection and query (readiness must answer quickly during an outage).</summary>
    public const int ProbeTimeoutSeconds = 3;

    /// <inheritdoc/>
    public event EventHandler<DamagedEntry>? Quarantined;

    /// <inheritdoc/>
    public event EventHandler<QuarantineFailedEventArgs>? QuarantineFailed;

    /// <inheritdoc/>
    public string Location { get; }

    /// <inheritdoc/>
    public bool IsOwner { get; }

    /// <summary>The migration versions <see cref="Open"/> applied (none when the schema was current).</summary>
    public IReadOnlyList<int> AppliedMigrations { get; private set; } = [];

    /// <summary>The schema version this program brings a database to (its newest migration).</summary>
    public static int SchemaVersion => PostgresMigrations.Scripts[^1].Version;

    /// <summary>Where the database is: <c>host:port/database</c> (never the user or the password).</summary>
    public string Endpoint { get; }

    /// <inheritdoc/>
    /// <remarks>Concurrent commits share one transaction (<see cref="PostgresGroupCommitter"/>).</remarks>
    public async Task<StoredMessage> CommitAsync(Envelope envelope, ReadOnlySequence<byte> content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfNotOpen();
        var id = await _groupCommit.CommitAsync(envelope, content, envelope.Origin is MailOrigin, cancellationToken).ConfigureAwait(false);
        return new PostgresStoredMessage(id, envelope);
    }

    /// <summary>How many transactions committed batches of messages so far (see <see cref="PostgresGroupCommitter"/>).</summary>
    public long GroupCommitBatches => _groupCommit.Batches;

    /// <summary>The group committer (tests reach its hook).</summary>
    internal PostgresGroupCommitter GroupCommit => _groupCommit;

    /// <inheritdoc/>
    public Stream OpenContent(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Read whole (the connection goes back to the pool at once), into pooled chunks the stream returns when disposed.
        var content = Run(connection =>
        {
            using var command = Command(connection, "SELECT content FROM mailgate.messages WHERE id = $1", [message.Id]);
            return ContentChunks.Read(command);
        }) ?? throw new IOException($"message {message.Id} is no longer in {Location}");
        return new ContentStream(content.Sequence, appendCrlf: false, owner: content);
    }

    /// <inheritdoc/>
    public ProcessingState ReadState(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var row = Row("SELECT state FROM mailgate.messages WHERE id = $1", [message.Id], r => r.IsDBNull(0) ? null : r.GetString(0));
        if (!row.Found)
        {
            throw new IOException($"message {message.Id} is no longer in {Location}");
        }

        return row.Value is null ? new ProcessingState() : SpoolDocuments.ReadState(System.Text.Encoding.UTF8.GetBytes(row.Value));
    }

    /// <summary>Releases its claims and the roles it leads (so another owner, or this gateway restarted, resumes them at once) and closes the connections. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Messages still queued are committed (their sessions are waiting for the answer) before the leases go.
        _groupCommit.Dispose();

        // A shared view claims nothing in normal use, but whatever it claimed must not wait out a lease either.
        try
        {
            Execute("UPDATE mailgate.messages SET lease_owner = NULL, lease_expires = NULL WHERE lease_owner = $1", _owner);
            ResignAll();
        }
        catch (IOException)
        {
            // Unreachable: the leases run out by themselves and another owner takes the messages over.
        }

        _dataSource.Dispose();
        _probeSource.Dispose();
    }

    /// <summary>
    /// <paramref name="connectionString"/> with a time limit on every wait: a connection string without one (or with 0,
    /// Npgsql's "no limit") gets <paramref name="connectSeconds"/> and <paramref name="commandSeconds"/>, so a commit
    /// can never hang a session; a limit it sets is kept (a lower probe limit wins for the probe).
    /// </summary>
    private static string Bounded(string connectionString, int connectSeconds, int commandSeconds, int? maxPoolSize = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var probe = maxPoolSize is not null;
        builder.Timeout = Limit(builder.Timeout, connectSeconds, probe);
        builder.CommandTimeout = Limit(builder.CommandTimeout, commandSeconds, probe);
        builder.NoResetOnClose = true; // no DISCARD ALL per use: MailGate sets no session state (only SET LOCAL / xact locks)
        if (maxPoolSize is { } size)
        {
            builder.MaxPoolSize = size;
            builder.MinPoolSize = 0;
        }

        return builder.ConnectionString;

        static int Limit(int set, int limit, bool atMost) => set <= 0 ? limit : atMost ? Math.Min(set, limit) : set;
    }

    private static string Describe(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}/{builder.Database}");
        }
        catch (ArgumentException)
        {
            return "an invalid connection string";
        }
    }

    /// <summary>
    /// The storage's failure for <paramref name="e"/>: <see cref="StorageUnavailableException"/> when the database could
    /// not be reached or asked to be tried again (a transient error: connection refused or lost, a timeout, too many
    /// connections, shutting down), else a plain <see cref="IOException"/> (the database refused this statement).
    /// </summary>
    private IOException Failure(Exception e) => e is TimeoutException or NpgsqlException { IsTransient: true } or (NpgsqlException and not PostgresException)
        ? new StorageUnavailableException($"PostgreSQL at {Location}: {e.Message}", e)
        : new IOException($"PostgreSQL at {Location}: {e.Message}", e);
}
