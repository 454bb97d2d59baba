using MailGate.Core.Storage;

namespace MailGate.Storage.Postgres;

/// <summary>
/// The delivery ledger in <c>mailgate.delivery_ledger</c> (<see cref="IDeliveryLedger"/>): a reservation is an
/// <c>INSERT … ON CONFLICT DO NOTHING</c>, a take-over an <c>UPDATE</c> conditional on the entry being the one read, so
/// of two replicas racing on two copies of one email exactly one reserves; the holder's area is read from
/// <c>mailgate.messages</c> in the same statement as the entry.
/// </summary>
public sealed partial class PostgresStorage
{
    /// <summary>How often a reservation re-reads an entry that changed under it before answering <see cref="LedgerVerdict.Held"/>.</summary>
    private const int ReserveRounds = 4;

    /// <inheritdoc/>
    public LedgerReservation Reserve(string key, string messageId, DateTimeOffset now, DateTimeOffset forgetBefore)
    {
        LedgerEntry.Check(key, messageId);
        now = now.ToUniversalTime(); // Npgsql writes timestamptz from UTC values only
        for (var round = 0; round < ReserveRounds; round++)
        {
            if (Execute("INSERT INTO mailgate.delivery_ledger (key, message_id, reserved_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING", key, messageId, now) == 1)
            {
                return new LedgerReservation(LedgerVerdict.Reserved, messageId, null);
            }

            var (found, row) = Row(
                "SELECT l.message_id, l.reserved_at, l.accepted_at, m.area FROM mailgate.delivery_ledger l LEFT JOIN mailgate.messages m ON m.id = l.message_id WHERE l.key = $1",
                [key],
                r => (Entry: new LedgerEntry(r.GetString(0), r.GetFieldValue<DateTimeOffset>(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2)), Area: r.IsDBNull(3) ? null : r.GetString(3)));
            if (!found)
            {
                continue; // swept or released since the insert: insert again
            }

            var area = row.Area is null ? (SpoolArea?)null : Enum.Parse<SpoolArea>(row.Area, ignoreCase: true);
            if (row.Entry.Judge(messageId, area, forgetBefore) is { } verdict)
            {
                return verdict;
            }

            // Take over, unless another replica changed the entry since it was read.
            if (Execute(
                "UPDATE mailgate.delivery_ledger SET message_id = $2, reserved_at = $3, accepted_at = NULL WHERE key = $1 AND message_id = $4 AND accepted_at IS NOT DISTINCT FROM $5",
                key, messageId, now, row.Entry.MessageId, (object?)row.Entry.AcceptedAt ?? DBNull.Value) == 1)
            {
                return new LedgerReservation(LedgerVerdict.Reserved, messageId, null);
            }
        }

        throw new IOException($"the delivery ledger entry {key} in {Location} kept changing; try again");
    }

    /// <inheritdoc/>
    public void Accept(string key, string messageId, DateTimeOffset acceptedAt)
    {
        LedgerEntry.Check(key, messageId);
        Execute(
            "INSERT INTO mailgate.delivery_ledger (key, message_id, reserved_at, accepted_at) VALUES ($1, $2, $3, $3) ON CONFLICT (key) DO UPDATE SET message_id = excluded.message_id, accepted_at = excluded.accepted_at, reserved_at = CASE WHEN mailgate.delivery_ledger.message_id = excluded.message_id THEN mailgate.delivery_ledger.reserved_at ELSE excluded.reserved_at END",
            key, messageId, acceptedAt.ToUniversalTime());
    }

    /// <inheritdoc/>
    public void Release(string key, string messageId)
    {
        LedgerEntry.Check(key, messageId);
        Execute("DELETE FROM mailgate.delivery_ledger WHERE key = $1 AND message_id = $2 AND accepted_at IS NULL", key, messageId);
    }

    /// <inheritdoc/>
    public int SweepLedger(DateTimeOffset before) =>
        Execute(
            "DELETE FROM mailgate.delivery_ledger l WHERE COALESCE(l.accepted_at, l.reserved_at) < $1 "
            + "AND (l.accepted_at IS NOT NULL OR NOT EXISTS (SELECT 1 FROM mailgate.messages m WHERE m.id = l.message_id AND m.area = 'active'))",
            before.ToUniversalTime());
}
