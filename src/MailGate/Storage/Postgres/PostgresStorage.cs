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
/// The PostgreSQL backend of the storage seam (<c>Spool:Backend: postgres</c>, issue #14, preview): one row per
/// message in <c>mailgate.messages</c> (content bytes, envelope and state JSON as the file spool writes them, the
/// area as a column), the cursors and feature state in <c>mailgate.documents</c>. Every change is one statement or
/// one transaction, committed before the call returns (with PostgreSQL's default <c>synchronous_commit=on</c> the
/// commit is on the primary's disk when <see cref="CommitAsync"/> completes).
/// </summary>
/// <remarks>
/// Claims: an owner claims unfinished rows with <c>FOR UPDATE SKIP LOCKED</c> and a lease (<c>lease_owner</c>,
/// <c>lease_expires</c> from the database's clock); a row whose lease ran out may be claimed by another owner, and
/// the previous owner's writes are then refused with <see cref="LeaseLostException"/>. Disposing releases its claims. Database errors surface as <see cref="IOException"/>, as the seam asks.
/// </remarks>
public sealed partial class PostgresStorage : IMessageStorage
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly Guid _owner = Guid.NewGuid();
    private readonly TimeSpan _lease;
    private int _disposed;

    private PostgresStorage(NpgsqlDataSource dataSource, bool owner, TimeSpan lease)
    {
        _dataSource = dataSource;
        IsOwner = owner;
        _lease = lease;
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Location = string.Create(CultureInfo.InvariantCulture, $"postgres://{builder.Host}:{builder.Port}/{builder.Database}");
    }

    /// <inheritdoc/>
    public event EventHandler<DamagedEntry>? Quarantined;

    /// <inheritdoc/>
    public event EventHandler<QuarantineFailedEventArgs>? QuarantineFailed;

    /// <inheritdoc/>
    public string Location { get; }

    /// <inheritdoc/>
    public bool IsOwner { get; }

    /// <summary>The migration versions <see cref="Open"/> applied (none when the schema was current).</summary>
    public IReadOnlyList<int> AppliedMigrations { get; private init; } = [];

    /// <summary>The schema version this program brings a database to (its newest migration).</summary>
    public static int SchemaVersion => PostgresMigrations.Scripts[^1].Version;

    /// <summary>
    /// Opens the database named by <paramref name="connectionString"/> (Npgsql syntax) and brings its schema up to
    /// date (<see cref="PostgresMigrations"/>), as an owner (the gateway) or a shared view (the commands).
    /// </summary>
    /// <param name="connectionString">E.g. <c>Host=db;Port=5432;Database=mailgate;Username=mailgate;Password=…</c>.</param>
    /// <param name="owner">Whether this is an owner: it claims messages and leads the pollers.</param>
    /// <param name="lease">How long a claim lasts without <see cref="Renew"/> before another owner may take it over.</param>
    /// <exception cref="IOException">The database cannot be reached or its schema cannot be brought up to date.</exception>
    /// <exception cref="ArgumentException">The connection string is not valid.</exception>
    public static PostgresStorage Open(string connectionString, bool owner, TimeSpan lease)
    {
        NpgsqlDataSource dataSource;
        try
        {
            dataSource = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException)
        {
            // Npgsql's message (and its inner FormatException) quotes the value it could not read: it may be the password.
            throw new ArgumentException("the connection string is not in Npgsql's Key=Value;… syntax", nameof(connectionString));
        }

        try
        {
            var applied = PostgresMigrations.Apply(dataSource);
            return new PostgresStorage(dataSource, owner, lease) { AppliedMigrations = applied };
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            dataSource.Dispose();
            throw new IOException($"PostgreSQL ({Describe(connectionString)}) cannot be used: {e.Message}", e);
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<StoredMessage> CommitAsync(Envelope envelope, ReadOnlySequence<byte> content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        cancellationToken.ThrowIfCancellationRequested();
        var bytes = ContentBytes(envelope, content);
        var envelopeJson = System.Text.Encoding.UTF8.GetString(SpoolDocuments.EnvelopeJson(envelope));

        // Past this point the commit is not cancelled: a cancel racing the server's commit could report a failure for
        // a message that was committed (a duplicate the sender sends again) — the seam promises nothing of that sort.
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            while (true)
            {
                var id = SpoolIds.New(envelope.ReceivedAt);
                await using var insert = new NpgsqlCommand(
                    "INSERT INTO mailgate.messages (id, area, content, envelope, lease_owner, lease_expires) VALUES ($1, 'active', $2, $3, $4, now() + $5) ON CONFLICT (id) DO NOTHING",
                    connection);
                insert.Parameters.AddWithValue(id);
                insert.Parameters.AddWithValue(bytes);
                insert.Parameters.AddWithValue(envelopeJson);
                insert.Parameters.AddWithValue(_owner);
                insert.Parameters.AddWithValue(_lease);
                if (await insert.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false) == 1)
                {
                    return new PostgresStoredMessage(id, envelope);
                }
            }
        }
        catch (NpgsqlException e)
        {
            throw Failure(e);
        }
    }

    /// <inheritdoc/>
    public Stream OpenContent(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var content = Scalar<byte[]>("SELECT content FROM mailgate.messages WHERE id = $1", message.Id)
            ?? throw new IOException($"message {message.Id} is no longer in {Location}");
        return new MemoryStream(content, writable: false);
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
    }

    private static byte[] ContentBytes(Envelope envelope, ReadOnlySequence<byte> content)
    {
        var crlf = envelope.Origin is MailOrigin ? 2 : 0;
        var bytes = new byte[content.Length + crlf];
        content.CopyTo(bytes);
        if (crlf == 2)
        {
            bytes[^2] = (byte)'\r';
            bytes[^1] = (byte)'\n';
        }

        return bytes;
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

    private IOException Failure(Exception e) => new($"PostgreSQL at {Location}: {e.Message}", e);
}
