using MailGate.Core.Messages;

namespace MailGate.Core.Storage;

/// <summary>
/// What people do to the storage (the <c>mailgate spool</c> commands), safe beside a running owner: look
/// at every area, re-queue dead letters, purge finished mail. Never follows or reads a damaged entry: it
/// is listed as such.
/// </summary>
public interface ISpoolAdministration : IMessageContent
{
    /// <summary>
    /// Everything in <paramref name="area"/> (<see cref="SpoolArea.Active"/>, <see cref="SpoolArea.Dead"/>,
    /// <see cref="SpoolArea.Done"/> or <see cref="SpoolArea.Corrupt"/>), oldest first: each message with its
    /// state (or why it cannot be read), and the damaged entries. Moves nothing.
    /// </summary>
    /// <exception cref="IOException">The storage cannot be read.</exception>
    SpoolListing List(SpoolArea area);

    /// <summary>
    /// The newest <paramref name="count"/> entries of <paramref name="area"/> by id (ids date them), oldest first, as
    /// <see cref="List"/> gives them: only those are read, so a large area costs a listing of names (the file spool)
    /// or an indexed <c>ORDER BY id DESC LIMIT</c> (PostgreSQL), not a read of every state. Moves nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    /// <exception cref="IOException">The storage cannot be read.</exception>
    SpoolListing ListNewest(SpoolArea area, int count);

    /// <summary>The message <paramref name="id"/> in any area, with its state; null when there is none (or its entry is damaged: <see cref="FindDamaged"/>). Moves nothing.</summary>
    StoredEntry? Find(string id);

    /// <summary>The damaged entry named <paramref name="id"/> in any area, or null.</summary>
    DamagedEntry? FindDamaged(string id);

    /// <summary>The envelope and state of <paramref name="message"/> as stored, for people (<c>spool show</c>).</summary>
    /// <exception cref="IOException">They cannot be read.</exception>
    StoredDocuments Documents(StoredMessage message);

    /// <summary>
    /// Re-queues the dead letter <paramref name="id"/>: its state becomes <see cref="DeadLetterRequeue.Requeued"/>
    /// (the decision and its events kept, failed deliveries pending again with their age counted from
    /// <paramref name="now"/>; a message that failed before a decision undecided), then it is unfinished again, for
    /// the owner's next scan. Written before it moves: interrupted, it is still dead and can be re-queued again.
    /// </summary>
    /// <returns>What happened; a message that is not dead is left where it is.</returns>
    RequeueOutcome Requeue(string id, DateTimeOffset now);

    /// <summary>Re-queues every dead letter (see <see cref="Requeue"/>), oldest first; one that fails is reported and left, the others still go.</summary>
    /// <exception cref="IOException">The dead letters cannot be listed.</exception>
    IReadOnlyList<RequeueOutcome> RequeueAllDead(DateTimeOffset now);

    /// <summary>
    /// Deletes the finished messages (<see cref="SpoolArea.Done"/> only: dead letters, unfinished and damaged
    /// entries never) whose id dates them before <paramref name="receivedBefore"/>.
    /// </summary>
    /// <exception cref="IOException">The finished messages cannot be listed.</exception>
    PurgeOutcome PurgeDone(DateTimeOffset receivedBefore);
}
