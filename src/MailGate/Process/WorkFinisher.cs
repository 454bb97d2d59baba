using MailGate.Core.Storage;
using MailGate.Observability;
using MailGate.Spool;
using Microsoft.Extensions.Logging;

namespace MailGate.Process;

/// <summary>
/// Ends a message's processing: moves a finished message (whose state is on disk) to <c>done/</c>, or to
/// <c>dead/</c> when a delivery failed for good or it could not be decided; and hands a message whose
/// state or move could not be written to <see cref="UnsavedWork"/>, which tries again with backoff.
/// </summary>
internal sealed class WorkFinisher(
    InHandMessages inHand,
    UnsavedWork unsaved,
    ProcessingEvents events,
    ProcessingLog log,
    MailGateMetrics metrics,
    ILogger<MessageProcessor> logger)
{
    /// <summary>Moves a finished message to its area, or leaves it to <see cref="UnsavedWork"/> when that cannot be done now.</summary>
    public void Finish(MessageWork work)
    {
        if (!TryFinish(work))
        {
            Unsaved(work);
        }
    }

    /// <summary>Moves a finished message (whose state is on disk) to done/ or dead/; false when that could not be done now.</summary>
    public bool TryFinish(MessageWork work)
    {
        if (!work.IsWritten)
        {
            return false;
        }

        var state = work.State;
        var area = state.HasFailures ? SpoolArea.Dead : SpoolArea.Done;
        if (!work.TryMove(area, out var movedNow))
        {
            return false;
        }

        if (movedNow)
        {
            inHand.Finished(work.Message.Id);
            events.OnFinished(work.Message.Id, area);
            if (area == SpoolArea.Dead)
            {
                log.DeadLettered(work.Message.Id, state);
            }
        }

        return true;
    }

    /// <summary>Hands a message whose state is not on disk to <see cref="UnsavedWork"/>, which writes it again with backoff.</summary>
    public void Unsaved(MessageWork work)
    {
        if (work.IsDropped)
        {
            return; // its claim was lost (LeaseKeeper): nothing is owed here, its new owner writes it
        }

        metrics.StateWriteFailed();
        if (unsaved.Add(work))
        {
            Log.StateWriteFailed(logger, work.Message.Id, work.LastWriteError?.Message ?? "");
        }
    }
}
