using MailGate.Core.Deliver;
using MailGate.Core.Storage;
using System.Collections.Concurrent;
using System.Threading.Channels;
using MailGate.Deliver;
using MailGate.Spool;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Process;

/// <summary>
/// The delivery lanes: each route has a lane for trusted events and one for untrusted ones — a queue whose
/// events are sent one at a time, in the order they were decided, each retried until PagerDuty has it (or
/// it expires). A PagerDuty outage therefore costs one request per backoff interval per lane, not one per
/// waiting message, and untrusted events never wait in front of trusted ones. The route's routing key is
/// looked up at every attempt (<see cref="PagerDutyDelivery"/>).
/// </summary>
internal sealed class DeliveryLanes(
    PagerDutyDelivery delivery,
    LeaseKeeper leases,
    WorkFinisher finisher,
    ProcessingLog log,
    IOptions<SpoolOptions> options,
    TimeProvider time,
    ILogger<MessageProcessor> logger)
{
    private readonly ConcurrentDictionary<string, Channel<(MessageWork Work, int Index)>> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _tasks = [];
    private CancellationToken _stopping;

    /// <summary>Lanes created from now on run until <paramref name="stoppingToken"/> fires.</summary>
    public void Start(CancellationToken stoppingToken) => _stopping = stoppingToken;

    /// <summary>Completes when every lane (and retry) started so far has stopped.</summary>
    public Task StoppedAsync() => Task.WhenAll(_tasks.ToArray());

    /// <summary>Puts the pending events of a message whose decision is on disk in their lanes (once), or finishes it.</summary>
    public void Dispatch(MessageWork work)
    {
        if (work.Dispatched)
        {
            return;
        }

        work.Dispatched = true;
        var state = work.State;
        if (state.IsFinished)
        {
            finisher.Finish(work);
            return;
        }

        for (var i = 0; i < state.Deliveries.Count; i++)
        {
            if (state.Deliveries[i].Status == DeliveryStatus.Pending)
            {
                Lane(state.Deliveries[i]).Writer.TryWrite((work, i));
            }
        }
    }

    /// <summary>The lane of a delivery: its route's, events of verified and unverified mail apart (<see cref="DeliveryRecord.TravelsUnverified"/>).</summary>
    private Channel<(MessageWork Work, int Index)> Lane(DeliveryRecord record) =>
        _lanes.GetOrAdd(record.TravelsUnverified() ? record.Route + " (untrusted)" : record.Route, name =>
        {
            var lane = Channel.CreateUnbounded<(MessageWork, int)>(new UnboundedChannelOptions { SingleReader = true });
            _tasks.Add(Task.Run(() => RunAsync(lane.Reader, _stopping)));
            return lane;
        });

    private async Task RunAsync(ChannelReader<(MessageWork Work, int Index)> lane, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (work, index) in lane.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await DeliverAsync(work, index, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task DeliverAsync(MessageWork work, int index, CancellationToken stoppingToken)
    {
        var message = work.Message;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SpoolId"] = message.Id });
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, work.Dropping);
        try
        {
            if (work.IsDropped)
            {
                return; // its claim was lost (LeaseKeeper): another replica owns it now, nothing is sent from here
            }

            if (work.State.Deliveries[index].Status != DeliveryStatus.Pending)
            {
                // Back after an error that came once its outcome was known (RetryLaterAsync): never send it again,
                // only finish what is left to do.
                if (work.IsWritten && work.State.IsFinished)
                {
                    finisher.Finish(work);
                }
                else if (!work.IsWritten)
                {
                    finisher.Unsaved(work);
                }

                return;
            }

            var outcome = await delivery.DeliverAsync(
                message,
                work.State.Deliveries[index],
                work.Clock,
                (progress, _) =>
                {
                    work.Update(index, progress);
                    if (!work.IsWritten)
                    {
                        finisher.Unsaved(work);
                    }

                    return ValueTask.CompletedTask;
                },
                sending.Token,
                () => leases.Confirm(work)).ConfigureAwait(false);
            if (outcome.Status == DeliveryStatus.Pending)
            {
                _tasks.Add(RetryLaterAsync(work, index)); // another copy of the email holds the delivery ledger's key: ask again later
                return;
            }

            var finished = work.Complete(index, outcome);
            log.Delivered(message, work.State, outcome);
            if (!work.IsWritten)
            {
                finisher.Unsaved(work); // PagerDuty has it: that is kept in memory, and the message is never sent again
            }
            else if (finished)
            {
                finisher.Finish(work);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Log.ProcessingInterrupted(logger, message.Id);
        }
        catch (OperationCanceledException) when (work.IsDropped)
        {
            // Its claim was lost while it was being delivered: dropped, its new owner resumes it.
        }
#pragma warning disable CA1031 // One delivery's failure must not stop the lane; the event is tried again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Keep the message tracked, with what memory knows of it, and try this event again later.
            Log.ProcessingFailed(logger, e, message.Id);
            _tasks.Add(RetryLaterAsync(work, index));
        }
    }

    private async Task RetryLaterAsync(MessageWork work, int index)
    {
        try
        {
            await Task.Delay(options.Value.ScanInterval, time, _stopping).ConfigureAwait(false);
            Lane(work.State.Deliveries[index]).Writer.TryWrite((work, index));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down: the event resumes at the next start.
        }
    }
}
