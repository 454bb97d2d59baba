using MailGate.Core.Messages;

namespace MailGate.Core.Storage;

/// <summary>A message found by <see cref="ISpoolAdministration"/>: where it is and its state.</summary>
/// <param name="Message">The message.</param>
/// <param name="Area">The area it is in.</param>
/// <param name="State">Its processing state; null when it cannot be read (<paramref name="StateProblem"/> says why).</param>
/// <param name="StateProblem">Why the state cannot be read; null when it can.</param>
public sealed record StoredEntry(StoredMessage Message, SpoolArea Area, ProcessingState? State, string? StateProblem);

/// <summary>One look at an area (<see cref="ISpoolAdministration.List"/>).</summary>
/// <param name="Messages">The messages, oldest first.</param>
/// <param name="Damaged">The entries that are not messages of the expected shape, never read.</param>
public sealed record SpoolListing(IReadOnlyList<StoredEntry> Messages, IReadOnlyList<DamagedEntry> Damaged);

/// <summary>A message's stored documents, as text for people (<see cref="ISpoolAdministration.Documents"/>).</summary>
/// <param name="Where">Where the message is kept, e.g. its folder.</param>
/// <param name="Envelope">The envelope as stored (JSON).</param>
/// <param name="State">The processing state as stored (JSON); null before the message was decided.</param>
public sealed record StoredDocuments(string Where, string Envelope, string? State);

/// <summary>The outcome of re-queueing one dead letter (<see cref="ISpoolAdministration.Requeue"/>).</summary>
/// <param name="Id">The id asked for.</param>
/// <param name="Result">What happened.</param>
/// <param name="Error">Why it failed (<see cref="RequeueResult.Failed"/>): its state is damaged, the storage refused; null otherwise.</param>
public sealed record RequeueOutcome(string Id, RequeueResult Result, string? Error = null);

/// <summary>What re-queueing one dead letter did.</summary>
public enum RequeueResult
{
    /// <summary>Unfinished again: the owner takes it up at its next scan.</summary>
    Requeued,

    /// <summary>There is no dead letter with that id (it is elsewhere, damaged, or unknown); nothing moved.</summary>
    NotDead,

    /// <summary>It could not be re-queued and is still dead.</summary>
    Failed,
}

/// <summary>The outcome of <see cref="ISpoolAdministration.PurgeDone"/>.</summary>
/// <param name="Deleted">How many finished messages were deleted.</param>
/// <param name="Failed">Those that could not be deleted, with why (they stay).</param>
/// <param name="From">Where the finished messages were deleted from, for people (the file spool: its <c>done/</c> folder).</param>
public sealed record PurgeOutcome(int Deleted, IReadOnlyList<PurgeFailure> Failed, string From);

/// <summary>A finished message <see cref="ISpoolAdministration.PurgeDone"/> could not delete.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Error">Why, e.g. "Permission denied".</param>
public sealed record PurgeFailure(string Id, string Error);
