using MailGate.Core.Storage;
using MailGate.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Process;

/// <summary>
/// Takes each committed message through read → decide → deliver, asynchronously after the 250: the
/// schedule only; each step is its own type.
/// </summary>
/// <remarks>
/// <para>On start it recovers the spool and queues every unfinished message, oldest first, before the
/// SMTP listener opens (it is registered first), and pins again the keys of trusted mail the last run
/// saw. A PostgreSQL storage that could not be opened at start (the database down) is left alone until
/// <see cref="PostgresOpener"/> opens it; then one scan claims its unfinished work. Then messages are taken from the <see cref="ProcessingInbox"/> one at a time, in arrival order
/// (<see cref="MessageIntake"/>), and decided without waiting for the network (<see cref="DecisionStage"/>,
/// which calls the pure <see cref="Decide.MessageDecider"/>; keys are looked up off the path by
/// <see cref="KeyFetcher"/>).</para>
/// <para>The decision is written to <c>state.json</c> before anything is sent (<see cref="WorkTracker"/>);
/// then its events go to the route's lanes (<see cref="DeliveryLanes"/>) and the message is moved to
/// <c>done/</c> or <c>dead/</c> once every event reached a final status (<see cref="WorkFinisher"/>). A state
/// that cannot be written stays in memory and is written again with backoff (<see cref="UnsavedWork"/>).</para>
/// <para>Every <see cref="SpoolOptions.ScanInterval"/> the active area is listed again
/// (<see cref="SpoolRescan"/>). Every part logs under this type's category.</para>
/// </remarks>
internal sealed class MessageProcessor(
    IProcessingStore storage,
    ProcessingInbox inbox,
    MessageIntake intake,
    SpoolRescan rescan,
    DeliveryLanes lanes,
    WorkTracker tracker,
    KeyFetcher keyFetcher,
    UnsavedWork unsaved,
    LeaseKeeper leases,
    PostgresOpener opener,
    IOptions<SpoolOptions> options,
    TimeProvider time,
    ILogger<MessageProcessor> logger) : BackgroundService
{
    private bool _waitingForStorage;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (opener.Opened.IsCompleted)
        {
            Resume();
        }
        else
        {
            _waitingForStorage = true;

            // PostgreSQL down at start: everything below would fail; the first scan after it opens claims the work.
            Log.ProcessingWaitsForStorage(logger, storage.Location);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lanes.Start(stoppingToken);
        var interval = options.Value.ScanInterval;
        using var scan = time.CreateTimer(_ => rescan.Run(), null, interval, interval);
        using var renewing = leases.Start();
        var resuming = _waitingForStorage ? ScanWhenOpenedAsync(stoppingToken) : Task.CompletedTask;
        var fetching = keyFetcher.RunAsync(stoppingToken);
        var settling = unsaved.RunAsync(tracker.Settle, stoppingToken);
        try
        {
            await foreach (var message in inbox.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await intake.AcceptAsync(message, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: unfinished messages stay in the active spool and resume at the next start (or, with
            // PostgreSQL, at once on another replica: disposing the storage, after the lanes stopped, releases the claims).
        }

        await Task.WhenAll(lanes.StoppedAsync(), fetching, settling, resuming).ConfigureAwait(false);
    }

    /// <summary>Recovers the storage and queues every unfinished message it lets this gateway claim, oldest first.</summary>
    private void Resume()
    {
        Restore();
        var unfinished = storage.ClaimUnfinished();
        foreach (var message in unfinished)
        {
            inbox.Enqueue(message);
        }

        Log.SpoolResumed(logger, unfinished.Count, storage.Location);
    }

    /// <summary>What a start reads back from an open storage: its damaged entries reported, its pinned DKIM keys restored.</summary>
    private void Restore()
    {
        var recovery = storage.Recover();
        if (recovery.DiscardedIncoming > 0 || recovery.Corrupt.Count > 0)
        {
            Log.SpoolRecovered(logger, recovery.DiscardedIncoming, recovery.Corrupt.Count, string.Join(", ", recovery.Corrupt));
        }

        keyFetcher.RestorePinned();
    }

    /// <summary>Once a storage that was not open at start opens: the work it holds is claimed now, not at the next periodic scan.</summary>
    private async Task ScanWhenOpenedAsync(CancellationToken stoppingToken)
    {
        try
        {
            await opener.Opened.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return; // stopped before the database came back
        }

        // What the start skipped (damaged rows, pinned keys), then a scan, not a start's claim of everything: mail
        // accepted since the opening is already in hand.
        Restore();
        rescan.Run();
    }
}
