using MailGate.Core.Storage;
using Npgsql;

namespace MailGate.Storage.Postgres;

/// <summary>Cursors, feature state and health.</summary>
public sealed partial class PostgresStorage
{
    /// <inheritdoc/>
    public ICursorDocuments Cursors(string poller) => new CursorTable(this, StorageNames.CheckName(poller, nameof(poller)));

    /// <inheritdoc/>
    public byte[]? ReadFeatureState(string feature) => ReadDocument("feature", StorageNames.CheckName(feature, nameof(feature)), "");

    /// <inheritdoc/>
    public void WriteFeatureState(string feature, ReadOnlySpan<byte> document)
    {
        StorageNames.CheckName(feature, nameof(feature));
        StorageNames.CheckSize(document, nameof(document));
        WriteDocument("feature", feature, "", document.ToArray());
    }

    /// <inheritdoc/>
    public string? OwnershipProblem() => null;

    /// <summary>The database does not say how much room it has: <see cref="long.MaxValue"/> (the free-space floor never refuses).</summary>
    public long AvailableBytes() => long.MaxValue;

    /// <inheritdoc/>
    public string? ProbeCommit() => Probe().Problem;

    /// <summary>
    /// Whether a commit would succeed now, on its own small pool and within <see cref="ProbeTimeoutSeconds"/>
    /// (connect and query): the database is reachable, writable (not a standby) and at a schema version. One round trip.
    /// </summary>
    /// <remarks>Before the storage is open (<see cref="IsOpen"/>) the problem says so, with the latest reason, and no schema version is reported.</remarks>
    public PostgresProbe Probe()
    {
        var probe = ProbeServer();
        return _open ? probe : probe with { Problem = NotOpenProblem, SchemaVersion = null };
    }

    private PostgresProbe ProbeServer()
    {
        try
        {
            using var connection = _probeSource.OpenConnection();
            using var command = new NpgsqlCommand("SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off', (SELECT max(version) FROM mailgate.schema_version)", connection);
            using var reader = command.ExecuteReader();
            reader.Read();
            var writable = reader.GetBoolean(0);
            int? version = reader.IsDBNull(1) ? null : reader.GetInt32(1);
            if (!writable)
            {
                // A session keeps the read-only setting it connected with, and the pool's sessions connected under the
                // same condition: both pools connect afresh next time, so the first commit after it ends succeeds.
                _probeSource.Clear();
                _dataSource.Clear();
            }

            return writable
                ? new PostgresProbe(true, null, version)
                : new PostgresProbe(true, $"PostgreSQL at {Endpoint} is read-only (a standby, or default_transaction_read_only is on)", version);
        }
        catch (PostgresException e)
        {
            return new PostgresProbe(true, $"PostgreSQL at {Endpoint} refused the probe: {e.MessageText}", null);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return new PostgresProbe(false, $"PostgreSQL at {Endpoint} is unreachable: {e.Message}", null);
        }
    }

    /// <inheritdoc/>
    public int? Count(SpoolArea area)
    {
        if (area == SpoolArea.Incoming)
        {
            return 0;
        }

        try
        {
            return (int)Scalar<long>("SELECT count(*) FROM mailgate.messages WHERE area = $1", AreaName(area));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public DateTimeOffset? OldestUnfinished() =>
        Scalar<string>("SELECT min(id) FROM mailgate.messages WHERE area = 'active'") is { } id && SpoolIds.IsValid(id) ? SpoolIds.ReceivedAt(id) : null;

    private byte[]? ReadDocument(string kind, string name, string key) =>
        Scalar<byte[]>("SELECT document FROM mailgate.documents WHERE kind = $1 AND name = $2 AND key = $3", kind, name, key);

    private void WriteDocument(string kind, string name, string key, byte[] document) =>
        Execute("INSERT INTO mailgate.documents (kind, name, key, document) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, name, key) DO UPDATE SET document = excluded.document, updated_at = now()", kind, name, key, document);

    /// <summary>One poller's cursors: rows of <c>mailgate.documents</c> with kind <c>cursor</c>.</summary>
    private sealed class CursorTable(PostgresStorage storage, string poller) : ICursorDocuments
    {
        public string Location => $"{storage.Location} (mailgate.documents, cursor {poller})";

        public byte[]? Read(string key) => storage.ReadDocument("cursor", poller, StorageNames.CheckKey(key, nameof(key)));

        public void Write(string key, ReadOnlySpan<byte> document)
        {
            StorageNames.CheckKey(key, nameof(key));
            StorageNames.CheckSize(document, nameof(document));
            storage.WriteDocument("cursor", poller, key, document.ToArray());
        }

        public IReadOnlyList<string> Keys() =>
            storage.Rows("SELECT key FROM mailgate.documents WHERE kind = 'cursor' AND name = $1 ORDER BY key COLLATE \"C\"", [poller], reader => reader.GetString(0));
    }
}

/// <summary>What <see cref="PostgresStorage.Probe"/> found.</summary>
/// <param name="Reachable">Whether the server answered (also when it refused, or is read-only).</param>
/// <param name="Problem">Why a commit would fail now (unreachable, read-only, refused; never the password); null when it would succeed.</param>
/// <param name="SchemaVersion">The database's schema version (<c>mailgate.schema_version</c>); null when it could not be read.</param>
public sealed record PostgresProbe(bool Reachable, string? Problem, int? SchemaVersion);
