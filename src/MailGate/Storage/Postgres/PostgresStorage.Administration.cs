using MailGate.Core.Messages;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using Npgsql;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MailGate.Storage.Postgres;

/// <summary>The people's role (<c>mailgate spool</c>): list, find, show, re-queue, purge.</summary>
public sealed partial class PostgresStorage
{
    /// <inheritdoc/>
    public SpoolListing List(SpoolArea area) => ListNewest(area, int.MaxValue);

    /// <inheritdoc/>
    public SpoolListing ListNewest(SpoolArea area, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var messages = new List<StoredEntry>();
        var damaged = new List<DamagedEntry>();
        if (area == SpoolArea.Incoming)
        {
            return new SpoolListing(messages, damaged);
        }

        var rows = count == int.MaxValue
            ? Rows("SELECT id, envelope, state FROM mailgate.messages WHERE area = $1 ORDER BY id", [AreaName(area)], Entry)
            : Rows("SELECT id, envelope, state FROM (SELECT id, envelope, state FROM mailgate.messages WHERE area = $1 ORDER BY id DESC LIMIT $2) newest ORDER BY id", [AreaName(area), count], Entry);
        foreach (var (id, envelope, state) in rows)
        {
            Add(area, id, envelope, state, messages, damaged);
        }

        return new SpoolListing(messages, damaged);
    }

    /// <inheritdoc/>
    public StoredEntry? Find(string id) => Lookup(id) is { } found && found.Messages.Count == 1 ? found.Messages[0] : null;

    /// <inheritdoc/>
    public DamagedEntry? FindDamaged(string id) => Lookup(id) is { } found && found.Damaged.Count == 1 ? found.Damaged[0] : null;

    /// <inheritdoc/>
    public StoredDocuments Documents(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var row = Row("SELECT envelope, state FROM mailgate.messages WHERE id = $1", [message.Id], r => (Envelope: r.GetString(0), State: r.IsDBNull(1) ? null : r.GetString(1)));
        return row.Found
            ? new StoredDocuments($"{Location} (mailgate.messages, id {message.Id})", row.Value.Envelope, row.Value.State)
            : throw new IOException($"message {message.Id} is no longer in {Location}");
    }

    /// <inheritdoc/>
    public RequeueOutcome Requeue(string id, DateTimeOffset now)
    {
        if (!SpoolIds.IsValid(id))
        {
            return new RequeueOutcome(id, RequeueResult.NotDead);
        }

        try
        {
            return Run(connection =>
            {
                using var tx = connection.BeginTransaction();
                string? state;
                using (var select = Command(connection, "SELECT state FROM mailgate.messages WHERE id = $1 AND area = 'dead' FOR UPDATE", [id], tx))
                using (var reader = select.ExecuteReader())
                {
                    if (!reader.Read())
                    {
                        return new RequeueOutcome(id, RequeueResult.NotDead);
                    }

                    state = reader.IsDBNull(0) ? null : reader.GetString(0);
                }

                var current = state is null ? new ProcessingState() : SpoolDocuments.ReadState(Encoding.UTF8.GetBytes(state));
                var requeued = Encoding.UTF8.GetString(SpoolDocuments.StateJson(DeadLetterRequeue.Requeued(current, now)));
                using (var update = Command(connection, "UPDATE mailgate.messages SET state = $2, area = 'active', lease_owner = NULL, lease_expires = NULL, finished_at = NULL WHERE id = $1", [id, requeued], tx))
                {
                    update.ExecuteNonQuery();
                }

                tx.Commit();
                return new RequeueOutcome(id, RequeueResult.Requeued);
            });
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return new RequeueOutcome(id, RequeueResult.Failed, e.Message);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<RequeueOutcome> RequeueAllDead(DateTimeOffset now) =>
        [.. Rows("SELECT id FROM mailgate.messages WHERE area = 'dead' ORDER BY id", [], r => r.GetString(0)).Select(id => Requeue(id, now))];

    /// <inheritdoc/>
    public PurgeOutcome PurgeDone(DateTimeOffset receivedBefore)
    {
        // Ids start with the arrival time in 12 hex digits, so in the "C" collation id < prefix ⇔ received before.
        var prefix = Math.Max(0, receivedBefore.ToUnixTimeMilliseconds()).ToString("x12", CultureInfo.InvariantCulture);
        var deleted = Execute("DELETE FROM mailgate.messages WHERE area = 'done' AND id < $1", prefix);
        return new PurgeOutcome(deleted, [], $"{Location} (mailgate.messages, area done)");
    }

    private static (string Id, string Envelope, string? State) Entry(NpgsqlDataReader r) =>
        (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2));

    private SpoolListing? Lookup(string id)
    {
        if (!SpoolIds.IsValid(id))
        {
            return null;
        }

        var row = Row("SELECT area, id, envelope, state FROM mailgate.messages WHERE id = $1", [id], r => (Area: Enum.Parse<SpoolArea>(r.GetString(0), ignoreCase: true), Entry: (r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3))));
        if (!row.Found)
        {
            return null;
        }

        var messages = new List<StoredEntry>();
        var damaged = new List<DamagedEntry>();
        var (entryId, envelope, state) = row.Value.Entry;
        Add(row.Value.Area, entryId, envelope, state, messages, damaged);
        return new SpoolListing(messages, damaged);
    }

    private static void Add(SpoolArea area, string id, string envelopeJson, string? stateJson, List<StoredEntry> messages, List<DamagedEntry> damaged)
    {
        var envelope = SpoolDocuments.ReadEnvelope(Encoding.UTF8.GetBytes(envelopeJson), out var problem);
        if (envelope is null)
        {
            damaged.Add(new DamagedEntry(area, id, "envelope " + problem));
            return;
        }

        var message = new PostgresStoredMessage(id, envelope);
        try
        {
            var state = stateJson is null ? new ProcessingState() : SpoolDocuments.ReadState(Encoding.UTF8.GetBytes(stateJson));
            messages.Add(new StoredEntry(message, area, state, null));
        }
        catch (JsonException e)
        {
            messages.Add(new StoredEntry(message, area, null, "state is damaged: " + e.Message));
        }
    }
}
