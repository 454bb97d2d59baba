using MailGate.Core.Messages;
using MailGate.Core.Storage;
using MailGate.Spool;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Deliver;

/// <summary>
/// The delivery side of the ledger (<see cref="IDeliveryLedger"/>): before a trigger is sent, reserves its email's key
/// (<see cref="DeliveryRecord.LedgerKey"/>) for the message; after PagerDuty's 202 marks it accepted; after any other
/// end releases it. Events without a ledger key (resolve, acknowledge) pass untouched. A crash (or a failed ledger
/// write) between the 202 and <see cref="IDeliveryLedger.Accept"/> may let a copy send again: at-least-once, with the
/// same dedup key.
/// </summary>
internal sealed class DeliveryLedgerGate(IDeliveryLedger ledger, IOptions<SpoolOptions> options, TimeProvider time, ILogger<DeliveryLedgerGate> logger)
{
    /// <summary>
    /// Reserves the key of <paramref name="record"/> for <paramref name="message"/>: null (no key: send), or the answer
    /// (<see cref="LedgerVerdict.Reserved"/>: send; <see cref="LedgerVerdict.Accepted"/>: a duplicate; <see cref="LedgerVerdict.Held"/>: wait).
    /// </summary>
    /// <exception cref="IOException">The storage cannot be reached: the caller tries the event again later.</exception>
    public LedgerReservation? Reserve(StoredMessage message, DeliveryRecord record)
    {
        if (record.LedgerKey is not { } key)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var reservation = ledger.Reserve(key, message.Id, now, now - options.Value.LedgerRetention);
        if (reservation.Verdict == LedgerVerdict.Held)
        {
            Log.DeliveryLedgerHeld(logger, message.Id, record.Rule, record.Route, reservation.HolderId);
        }

        return reservation;
    }

    /// <summary>Records the final <paramref name="outcome"/>: accepted when delivered, else releases the reservation. A failure is logged, not thrown.</summary>
    public void Settled(StoredMessage message, DeliveryRecord outcome)
    {
        if (outcome.LedgerKey is not { } key || outcome.Status == DeliveryStatus.Duplicate)
        {
            return;
        }

        try
        {
            if (outcome.Status == DeliveryStatus.Delivered)
            {
                ledger.Accept(key, message.Id, outcome.CompletedAt ?? time.GetUtcNow());
            }
            else
            {
                ledger.Release(key, message.Id);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.DeliveryLedgerWriteFailed(logger, e, message.Id, outcome.Rule, outcome.Status.ToString());
        }
    }
}
