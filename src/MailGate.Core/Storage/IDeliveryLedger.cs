namespace MailGate.Core.Storage;

/// <summary>
/// The delivery ledger: one entry per email identity (<see cref="DeliveryRecord.LedgerKey"/>), recording which stored
/// message holds the right to send its trigger and whether PagerDuty accepted it, so that one email triggers once
/// across replicas and across time (for the retention the caller passes). Shared by every owner of the storage.
/// </summary>
/// <remarks>
/// <para>Protocol: before sending a trigger, <see cref="Reserve"/> the key for the message; send only on
/// <see cref="LedgerVerdict.Reserved"/>; after PagerDuty's 202, <see cref="Accept"/>; when the delivery ends without
/// PagerDuty accepting it, <see cref="Release"/>. Reserve is insert-if-absent, and a take-over is conditional on the
/// entry being unchanged, so of two owners racing on two copies of one email exactly one is told
/// <see cref="LedgerVerdict.Reserved"/>.</para>
/// <para>Failures: as every storage role, <see cref="IOException"/> when the storage cannot be reached or refuses.</para>
/// </remarks>
public interface IDeliveryLedger : IStorage
{
    /// <summary>
    /// Reserves <paramref name="key"/> for message <paramref name="messageId"/> (insert-if-absent), or tells who holds it.
    /// </summary>
    /// <param name="key">The email's ledger key: lower-case letters, digits and dashes, at most 64 characters.</param>
    /// <param name="messageId">The stored message's spool id; a copy of the same message is never a duplicate of itself.</param>
    /// <param name="now">The caller's clock; recorded as the reservation time.</param>
    /// <param name="forgetBefore">Entries accepted (or, unaccepted, reserved by a message no longer unfinished) before this instant are forgotten: reserved anew.</param>
    /// <returns>
    /// <see cref="LedgerVerdict.Reserved"/> (absent, already this message's, forgotten, or taken over from a message that
    /// finished without PagerDuty accepting: dead-lettered, set aside, or gone); <see cref="LedgerVerdict.Accepted"/>
    /// (another message's trigger was accepted; also when that message finished to done without the acceptance
    /// recorded); <see cref="LedgerVerdict.Held"/> (another unfinished message holds it: try again later).
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> or <paramref name="messageId"/> is not valid.</exception>
    /// <exception cref="IOException">The storage cannot be read or written.</exception>
    LedgerReservation Reserve(string key, string messageId, DateTimeOffset now, DateTimeOffset forgetBefore);

    /// <summary>Records that PagerDuty accepted the trigger of <paramref name="messageId"/> for <paramref name="key"/> at <paramref name="acceptedAt"/> (durably; the entry becomes the message's if it was not).</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> or <paramref name="messageId"/> is not valid.</exception>
    /// <exception cref="IOException">The storage refused the write.</exception>
    void Accept(string key, string messageId, DateTimeOffset acceptedAt);

    /// <summary>Removes <paramref name="messageId"/>'s unaccepted reservation of <paramref name="key"/> (its delivery ended without PagerDuty accepting); nothing otherwise.</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> or <paramref name="messageId"/> is not valid.</exception>
    /// <exception cref="IOException">The storage refused the change.</exception>
    void Release(string key, string messageId);

    /// <summary>Deletes the entries accepted (or, unaccepted, reserved by a message no longer unfinished) before <paramref name="before"/>; returns how many.</summary>
    /// <exception cref="IOException">The storage refused the change.</exception>
    int SweepLedger(DateTimeOffset before);
}

/// <summary>What <see cref="IDeliveryLedger.Reserve"/> answered.</summary>
public enum LedgerVerdict
{
    /// <summary>The key is this message's: send.</summary>
    Reserved,

    /// <summary>Another message's trigger for this email was accepted by PagerDuty: do not send (a duplicate).</summary>
    Accepted,

    /// <summary>Another unfinished message holds the key: do not send now; ask again later.</summary>
    Held,
}

/// <summary>The answer of <see cref="IDeliveryLedger.Reserve"/>.</summary>
/// <param name="Verdict">What to do.</param>
/// <param name="HolderId">The spool id of the message that holds the key (this message's own when reserved).</param>
/// <param name="AcceptedAt">When PagerDuty accepted the holder's trigger; null when not recorded.</param>
public sealed record LedgerReservation(LedgerVerdict Verdict, string HolderId, DateTimeOffset? AcceptedAt);

/// <summary>One stored ledger entry, as the backends read it.</summary>
/// <param name="MessageId">The spool id of the message holding the key.</param>
/// <param name="ReservedAt">When it was reserved.</param>
/// <param name="AcceptedAt">When PagerDuty accepted its trigger, or null.</param>
public sealed record LedgerEntry(string MessageId, DateTimeOffset ReservedAt, DateTimeOffset? AcceptedAt)
{
    /// <summary>The instant retention counts from: the acceptance, else the reservation.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset Age => AcceptedAt ?? ReservedAt;

    /// <summary>
    /// The verdict every backend gives for a key held by this entry (the shared protocol): null means "take it over"
    /// (the backend replaces the entry, conditionally on it being unchanged).
    /// </summary>
    /// <param name="messageId">The message asking.</param>
    /// <param name="holderArea">Where the holder is now; null when it is gone (purged, never there).</param>
    /// <param name="forgetBefore">Entries older than this are forgotten (not an unfinished holder's unaccepted reservation).</param>
    public LedgerReservation? Judge(string messageId, SpoolArea? holderArea, DateTimeOffset forgetBefore)
    {
        if (string.Equals(MessageId, messageId, StringComparison.Ordinal))
        {
            return new LedgerReservation(LedgerVerdict.Reserved, messageId, AcceptedAt);
        }

        if (Age < forgetBefore && !HeldByUnfinished(holderArea))
        {
            return null;
        }

        return AcceptedAt is not null || holderArea == SpoolArea.Done
            ? new LedgerReservation(LedgerVerdict.Accepted, MessageId, AcceptedAt)
            : holderArea is SpoolArea.Active or SpoolArea.Incoming
                ? new LedgerReservation(LedgerVerdict.Held, MessageId, null)
                : null;
    }

    /// <summary>
    /// Whether this entry is an unaccepted reservation of a holder still unfinished (<paramref name="holderArea"/>
    /// active or incoming): it may still send, so neither the retention nor a sweep forgets it (a
    /// <c>Spool:LedgerRetention</c> shorter than <c>PagerDuty:MaxAge</c> let a copy send beside a holder still retrying).
    /// </summary>
    public bool HeldByUnfinished(SpoolArea? holderArea) => AcceptedAt is null && holderArea is SpoolArea.Active or SpoolArea.Incoming;

    /// <summary>Checks a ledger key (a <see cref="StorageNames"/> name: lower-case letters, digits and dashes, 1 to 64) and a spool id.</summary>
    /// <exception cref="ArgumentException">Either is not valid.</exception>
    public static void Check(string key, string messageId)
    {
        StorageNames.CheckName(key, nameof(key));
        if (!SpoolIds.IsValid(messageId))
        {
            throw new ArgumentException($"'{messageId}' is not a spool id", nameof(messageId));
        }
    }
}
