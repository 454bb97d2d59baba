using MailGate.Core.Messages;

namespace MailGate.Core.Storage;

/// <summary>
/// The processor's side of the storage: what is unfinished, each message's processing state, and the
/// move to done or dead. Used by the owner only (the gateway); see <see cref="IStorage"/> for owners and claims.
/// </summary>
/// <remarks>
/// A message's walk: committed (<see cref="IMessageIntake.CommitAsync"/>) → unfinished → its state written after
/// every step (<see cref="WriteState"/>; the decision before anything is sent) → finished to
/// <see cref="SpoolArea.Done"/> or <see cref="SpoolArea.Dead"/> (<see cref="Finish"/>). A restart resumes each
/// unfinished message from its last written state.
/// </remarks>
public interface IProcessingStore : IMessageContent
{
    /// <summary>Raised after a damaged entry was set aside in <see cref="SpoolArea.Corrupt"/>, wherever the owner met it.</summary>
    event EventHandler<DamagedEntry>? Quarantined;

    /// <summary>Raised when a damaged entry could not be set aside: it stays where it is, skipped and never read, and is reported again each time it is met.</summary>
    event EventHandler<QuarantineFailedEventArgs>? QuarantineFailed;

    /// <summary>
    /// Makes the storage consistent after a crash, before anything else is read: removes the leftovers of
    /// commits that never completed (never acknowledged) and sets damaged unfinished entries aside. Idempotent:
    /// a second call finds nothing to do.
    /// </summary>
    /// <returns>What was cleaned up, for the log.</returns>
    /// <exception cref="IOException">The storage cannot be read.</exception>
    SpoolRecovery Recover();

    /// <summary>
    /// The unfinished messages this owner may work on, oldest first (by id), each claimed for it. Damaged
    /// entries met are set aside (<see cref="Quarantined"/>) and left out.
    /// </summary>
    /// <exception cref="IOException">The storage cannot be read.</exception>
    IReadOnlyList<StoredMessage> ClaimUnfinished();

    /// <summary>
    /// The ids of the unfinished messages this owner may claim, oldest first, without reading them (cheap during a
    /// backlog): a backend with several owners leaves out those another owner holds under a live lease. An id listed
    /// here may still be damaged or claimed by another owner meanwhile; <see cref="Claim"/> tells.
    /// </summary>
    /// <exception cref="IOException">The storage cannot be read.</exception>
    IReadOnlyList<string> UnfinishedIds();

    /// <summary>
    /// Opens and claims the unfinished message <paramref name="id"/>; null when it is not unfinished (finished,
    /// never there, not an id), claimed by another owner, or damaged (then set aside).
    /// </summary>
    StoredMessage? Claim(string id);

    /// <summary>Whether <paramref name="message"/> is still unfinished (not finished, re-queued or set aside since it was claimed).</summary>
    bool IsUnfinished(StoredMessage message);

    /// <summary>
    /// Extends the claims on the messages this owner holds in memory; returns the ids whose claim was lost
    /// (taken over by another owner after a lease ran out): drop those, their new owner resumes them. A backend
    /// with one owner never loses a claim and returns none.
    /// </summary>
    IReadOnlyList<string> Renew(IReadOnlyCollection<StoredMessage> held);

    /// <summary>Gives up the claim on <paramref name="message"/> (it stays unfinished; any owner may claim it again). A no-op with one owner.</summary>
    void Release(StoredMessage message);

    /// <summary>Replaces the message's processing state atomically and durably: after a crash it reads as the new state or the old, never a mix.</summary>
    /// <exception cref="IOException">The storage refused the write (read-only, full, I/O error, unreachable).</exception>
    /// <exception cref="UnauthorizedAccessException">The file spool may not be written.</exception>
    /// <exception cref="LeaseLostException">Another owner took the message over.</exception>
    void WriteState(StoredMessage message, ProcessingState state);

    /// <summary>
    /// Ends the message's unfinished life atomically and durably: to <see cref="SpoolArea.Done"/> (finished),
    /// <see cref="SpoolArea.Dead"/> (needs a person; <see cref="ISpoolAdministration.Requeue"/> brings it back) or
    /// <see cref="SpoolArea.Corrupt"/> (its state is damaged: set aside, never processed). Its state and content stay.
    /// </summary>
    /// <returns>The message in its new area.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="area"/> is not one of those three.</exception>
    /// <exception cref="IOException">The storage refused the change; the message is still unfinished.</exception>
    /// <exception cref="UnauthorizedAccessException">The file spool may not be changed.</exception>
    /// <exception cref="LeaseLostException">Another owner took the message over.</exception>
    StoredMessage Finish(StoredMessage message, SpoolArea area);
}
