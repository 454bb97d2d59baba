using MailGate.Core.Messages;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Text;

namespace MailGate.Storage.Postgres;

/// <summary>The processor's role: recover, claim under a lease, write state, finish.</summary>
public sealed partial class PostgresStorage
{
    // A row this owner may claim: unfinished, and unclaimed, already its own, or its lease ran out.
    private const string Claimable = "area = 'active' AND (lease_owner IS NULL OR lease_owner = $1 OR lease_expires < now())";

    /// <inheritdoc/>
    public SpoolRecovery Recover()
    {
        // A transaction is never half visible: there are no leftovers of interrupted commits to remove.
        var corrupt = new List<string>();
        foreach (var (id, envelope) in Rows("SELECT id, envelope FROM mailgate.messages WHERE area = 'active' ORDER BY id", [], r => (r.GetString(0), r.GetString(1))))
        {
            if (Parse(id, envelope) is null)
            {
                corrupt.Add(id);
            }
        }

        return new SpoolRecovery(0, corrupt);
    }

    /// <inheritdoc/>
    public IReadOnlyList<StoredMessage> ClaimUnfinished()
    {
        var claimed = RowsRelaxed(
            $"UPDATE mailgate.messages m SET lease_owner = $1, lease_expires = now() + $2 FROM (SELECT id FROM mailgate.messages WHERE {Claimable} ORDER BY id FOR UPDATE SKIP LOCKED) c WHERE m.id = c.id RETURNING m.id, m.envelope",
            [_owner, _lease], r => (r.GetString(0), r.GetString(1)));
        return [.. claimed.OrderBy(c => c.Item1, StringComparer.Ordinal).Select(c => Parse(c.Item1, c.Item2)).OfType<StoredMessage>()];
    }

    /// <summary>
    /// The unfinished messages this owner may claim now (unclaimed, its own, or their lease ran out), oldest first: not
    /// those another owner holds under a live lease, which the rescan would otherwise try to claim one by one, each
    /// in a transaction, at every scan on every replica.
    /// </summary>
    /// <exception cref="IOException">The database cannot be read.</exception>
    public IReadOnlyList<string> UnfinishedIds() =>
        Rows($"SELECT id FROM mailgate.messages WHERE {Claimable} ORDER BY id", [_owner], r => r.GetString(0));

    /// <inheritdoc/>
    public StoredMessage? Claim(string id)
    {
        if (!SpoolIds.IsValid(id))
        {
            return null;
        }

        var row = RowsRelaxed(
            $"UPDATE mailgate.messages m SET lease_owner = $1, lease_expires = now() + $2 FROM (SELECT id FROM mailgate.messages WHERE id = $3 AND {Claimable} FOR UPDATE SKIP LOCKED) c WHERE m.id = c.id RETURNING m.envelope",
            [_owner, _lease, id], r => r.GetString(0));
        return row.Count > 0 ? Parse(id, row[0]) : null;
    }

    /// <inheritdoc/>
    public bool IsUnfinished(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Scalar<long>("SELECT count(*) FROM mailgate.messages WHERE id = $1 AND area = 'active' AND lease_owner = $2", message.Id, _owner) > 0;
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Renew(IReadOnlyCollection<StoredMessage> held)
    {
        ArgumentNullException.ThrowIfNull(held);
        if (held.Count == 0)
        {
            return [];
        }

        var ids = held.Select(m => m.Id).ToArray();
        var kept = RowsRelaxed("UPDATE mailgate.messages SET lease_expires = now() + $2 WHERE id = ANY($3) AND area = 'active' AND lease_owner = $1 RETURNING id", [_owner, _lease, ids], r => r.GetString(0)).ToHashSet(StringComparer.Ordinal);
        return [.. ids.Where(id => !kept.Contains(id))];
    }

    /// <inheritdoc/>
    public void Release(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ExecuteRelaxed("UPDATE mailgate.messages SET lease_owner = NULL, lease_expires = NULL WHERE id = $1 AND lease_owner = $2", message.Id, _owner);
    }

    /// <inheritdoc/>
    public void WriteState(StoredMessage message, ProcessingState state)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(state);
        var json = Encoding.UTF8.GetString(SpoolDocuments.StateJson(state));
        if (ExecuteRelaxed("UPDATE mailgate.messages SET state = $3, lease_expires = now() + $4 WHERE id = $1 AND area = 'active' AND lease_owner = $2", message.Id, _owner, json, _lease) == 0)
        {
            throw NotHeld(message.Id);
        }
    }

    /// <inheritdoc/>
    public StoredMessage Finish(StoredMessage message, SpoolArea area)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (area is not (SpoolArea.Done or SpoolArea.Dead or SpoolArea.Corrupt))
        {
            throw new ArgumentOutOfRangeException(nameof(area), area, "a message finishes in done, dead or corrupt");
        }

        // Done may be lost to a database crash (then redone: the ledger makes each event a duplicate); dead and corrupt,
        // which an operator acts on, wait for the flush.
        const string Move = "UPDATE mailgate.messages SET area = $3, lease_owner = NULL, lease_expires = NULL, finished_at = now() WHERE id = $1 AND area = 'active' AND lease_owner = $2";
        var moved = area == SpoolArea.Done ? ExecuteRelaxed(Move, message.Id, _owner, AreaName(area)) : Execute(Move, message.Id, _owner, AreaName(area));
        if (moved == 0)
        {
            throw NotHeld(message.Id);
        }

        return new PostgresStoredMessage(message.Id, message.Envelope);
    }

    /// <summary>Why a change to a message this owner believed it held was refused: taken over, or no longer unfinished.</summary>
    private Exception NotHeld(string id)
    {
        var holder = Row("SELECT area, lease_owner FROM mailgate.messages WHERE id = $1", [id], r => (Area: r.GetString(0), Owner: r.IsDBNull(1) ? (Guid?)null : r.GetGuid(1)));
        return holder is { Found: true, Value.Area: "active" }
            ? new LeaseLostException(id, $"message {id} was taken over by another owner of {Location} (its lease ran out)")
            : new IOException($"message {id} is no longer unfinished in {Location}");
    }

    /// <summary>The message, or null when its envelope is damaged: then it is set aside in corrupt and reported.</summary>
    private PostgresStoredMessage? Parse(string id, string envelopeJson)
    {
        var envelope = SpoolDocuments.ReadEnvelope(Encoding.UTF8.GetBytes(envelopeJson), out var problem);
        if (envelope is not null)
        {
            return new PostgresStoredMessage(id, envelope);
        }

        var entry = new DamagedEntry(SpoolArea.Active, id, "envelope " + problem);
        try
        {
            Execute("UPDATE mailgate.messages SET area = 'corrupt', lease_owner = NULL, lease_expires = NULL, finished_at = now() WHERE id = $1 AND area = 'active'", id);
        }
        catch (IOException e)
        {
            QuarantineFailed?.Invoke(this, new QuarantineFailedEventArgs(entry, e.Message));
            return null;
        }

        Quarantined?.Invoke(this, entry);
        return null;
    }

    private static string AreaName(SpoolArea area) => area.ToString().ToLowerInvariant();
}
