using MailGate.Core.Decide;
using MailGate.Core.Messages;
using MailGate.Core.Storage;
using System.Text.Json;
using MailGate.Spool;
using Microsoft.Extensions.Logging;

namespace MailGate.Process;

/// <summary>
/// Takes up each message the inbox hands over, once: reads its state, resumes it when it was decided
/// before (a restart), else decides it (<see cref="DecisionStage"/>) and starts tracking it
/// (<see cref="WorkTracker"/>). One message's failure never stops the others: it stays in the spool and
/// is taken up again at the next scan; after <see cref="ProcessingFailures.Limit"/> failures in a row it
/// is dead-lettered with the reason.
/// </summary>
internal sealed class MessageIntake(
    IProcessingStore storage,
    IStateStore store,
    InHandMessages inHand,
    FetchedKeys fetched,
    DecisionStage deciding,
    WorkTracker tracker,
    LeaseKeeper leases,
    TimeProvider time,
    ILogger<MessageProcessor> logger)
{
    private readonly ProcessingFailures _failures = new();
    private int _limiterDown;
    private int _storageDown;

    /// <summary>Decides a newly queued message (once) and puts its pending events in their lanes.</summary>
    public async Task AcceptAsync(StoredMessage message, CancellationToken stoppingToken)
    {
        if (!inHand.TryTake(message))
        {
            return; // already in hand
        }

        var kept = false;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SpoolId"] = message.Id });
        using var hold = fetched.Take(message.Id);
        try
        {
            if (!storage.IsUnfinished(message))
            {
                return; // finished since it was queued
            }

            ProcessingState state;
            try
            {
                state = store.ReadState(message);
            }
            catch (JsonException e)
            {
                storage.Finish(message, SpoolArea.Corrupt);
                Log.StateCorrupt(logger, message.Id, e.Message);
                return;
            }

            if (state.IsDecided)
            {
                kept = true;
                tracker.Track(message, state, written: true);
                return;
            }

            var decided = await deciding.DecideAsync(message, postFetch: hold is not null, stoppingToken).ConfigureAwait(false);
            LimiterAvailable();
            Volatile.Write(ref _storageDown, 0);
            kept = decided.SetAside;
            if (decided.State is { } newState)
            {
                kept = true;
                _failures.Forget(message.Id);
                tracker.Track(message, newState, written: false);
            }
        }
        catch (LeaseLostException)
        {
            // Another replica took it over (its lease ran out): never a failure that dead-letters; its new owner resumes it.
            leases.Lost(message.Id);
            kept = inHand.IsTracked(message.Id);
        }
        catch (StorageUnavailableException e)
        {
            // The database is away: not the message's fault, never counted towards dead-lettering it; it stays
            // unfinished and is taken up again at the next scan once the database answers.
            kept = inHand.IsTracked(message.Id);
            if (Interlocked.Exchange(ref _storageDown, 1) == 0)
            {
                Log.ProcessingWaitsForStorageAgain(logger, message.Id, e.Message);
            }
        }
        catch (UntrustedLimitUnavailableException e)
        {
            // Not the message's fault: nothing is counted against it; it stays undecided and is taken up again at the next scan.
            if (Interlocked.Exchange(ref _limiterDown, 1) == 0)
            {
                LeadershipLog.UntrustedLimitUnavailable(logger, message.Id, e.Message);
            }
        }
#pragma warning disable CA1031 // One message's failure must not stop the others; it stays in the spool.
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // A message tracked already is in memory, owned by its lanes or UnsavedWork: never let a scan take it up twice.
            kept = inHand.IsTracked(message.Id);
            kept = kept || Failed(message, e);
        }
        finally
        {
            if (!kept)
            {
                inHand.Release(message.Id);
            }
        }
    }

    /// <summary>Reports once that the untrusted limits can be counted again after <see cref="UntrustedLimitUnavailableException"/>.</summary>
    private void LimiterAvailable()
    {
        if (Volatile.Read(ref _limiterDown) == 1 && Interlocked.Exchange(ref _limiterDown, 0) == 1)
        {
            LeadershipLog.UntrustedLimitAvailable(logger);
        }
    }

    /// <summary>
    /// Reports an unexpected failure to decide <paramref name="message"/>: the first with its stack trace,
    /// the next ones in a line; at <see cref="ProcessingFailures.Limit"/> in a row the message is decided as
    /// failed and dead-lettered with the reason (<c>mailgate spool retry</c> decides it again once the cause is
    /// fixed). True when the message is now tracked.
    /// </summary>
    private bool Failed(StoredMessage message, Exception e)
    {
        var failures = _failures.Failed(message.Id);
        if (failures == 1)
        {
            Log.ProcessingFailed(logger, e, message.Id);
        }
        else if (failures < ProcessingFailures.Limit)
        {
            Log.ProcessingFailedAgain(logger, message.Id, failures, e.GetType().Name, e.Message);
        }

        if (failures < ProcessingFailures.Limit)
        {
            return false;
        }

        _failures.Forget(message.Id);
        Log.ProcessingGaveUp(logger, message.Id, failures, e.GetType().Name, e.Message);
        tracker.Track(message, new ProcessingState
        {
            DecidedAt = time.GetUtcNow(),
            Error = $"processing failed {failures} times in a row: {e.GetType().Name}: {e.Message}",
        }, written: false);
        return true;
    }
}
