using MailGate.Core.Messages;
using MailGate.Core.Deliver;
using MailGate.Core.Storage;
using MailGate.Deliver;
using MailGate.Spool;
using Microsoft.Extensions.Logging;

namespace MailGate.Process;

/// <summary>
/// Keeps a decided message in memory (<see cref="MessageWork"/>) until it is finished: nothing is sent
/// before its decision is on disk, so that a restart never decides it differently; once it is, its
/// events go to their lanes. What is known in memory is never lost to a failed write: the message stays
/// tracked and <see cref="UnsavedWork"/> settles it again with backoff (<see cref="Settle"/>).
/// </summary>
internal sealed class WorkTracker(
    InHandMessages inHand,
    IStateStore store,
    DeliveryLanes lanes,
    WorkFinisher finisher,
    LeaseKeeper leases,
    TimeProvider time,
    ILogger<MessageProcessor> logger)
{
    /// <summary>Starts tracking a decided message; its events go to their lanes once the decision is on disk.</summary>
    /// <param name="message">The spool entry.</param>
    /// <param name="state">Its decision (and progress).</param>
    /// <param name="written">Whether <paramref name="state"/> is what <c>state.json</c> holds already.</param>
    public void Track(StoredMessage message, ProcessingState state, bool written)
    {
        var work = new MessageWork(message, state, store, written, DeliveryClock.Now(time), leases.Lost);
        inHand.Track(work);
        if (!work.TryWrite())
        {
            finisher.Unsaved(work); // nothing is sent before the decision is on disk: a restart must not decide differently
            return;
        }

        lanes.Dispatch(work);
    }

    /// <summary>One retry of <see cref="UnsavedWork"/>: writes the state, then does what waited for it; true when nothing is owed any more.</summary>
    public bool Settle(MessageWork work)
    {
        if (!work.TryWrite())
        {
            return work.IsDropped; // a claim lost: its new owner writes it
        }

        if (!work.Dispatched)
        {
            Log.StateWritten(logger, work.Message.Id);
            lanes.Dispatch(work);
            return !work.NeedsSettling;
        }

        if (work.State.IsFinished && !work.IsMoved)
        {
            var moved = finisher.TryFinish(work);
            if (moved)
            {
                Log.StateWritten(logger, work.Message.Id);
            }

            return moved || work.IsDropped;
        }

        Log.StateWritten(logger, work.Message.Id);
        return true;
    }
}
