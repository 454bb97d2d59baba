using MailGate.Core.Messages;
using MailGate.Core.Storage;
using MailGate.Observability;
using MailGate.Spool;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Process;

/// <summary>
/// Keeps this gateway's claims on the messages it holds — in hand, waiting in the inbox, being delivered or
/// retried, waiting for a state write, deferred — by renewing their leases every third of
/// <see cref="SpoolOptions.LeaseDuration"/> (<see cref="IProcessingStore.Renew"/>; the file spool's renewal is a
/// no-op). A message whose claim was lost (another replica took it over after its lease ran out, found by a
/// renewal or by a write refused with <see cref="LeaseLostException"/>) is dropped here: its deliveries are
/// cancelled, it leaves the inbox, the hand, the deferrals and <see cref="UnsavedWork"/>, and it is logged and
/// counted once (<c>mailgate.leases.lost</c>). Its new owner resumes it from its last written state.
/// </summary>
/// <remarks>
/// A renewal that fails (the database unreachable: <see cref="IOException"/>) drops nothing: it is tried again
/// at the next tick; if the lease ran out meanwhile and another replica took the message over, the first
/// renewal after the database is back reports it lost.
/// </remarks>
internal sealed class LeaseKeeper(
    IProcessingStore storage,
    InHandMessages inHand,
    ProcessingInbox inbox,
    VerificationDeferrals deferrals,
    UnsavedWork unsaved,
    ProcessingEvents events,
    IOptions<SpoolOptions> options,
    TimeProvider time,
    ILogger<MessageProcessor> logger) : IMetricsSource
{
    private readonly ConcurrentDictionary<string, long> _lost = new(StringComparer.Ordinal);
    private Counter<long>? _lostCounter;
    private int _renewing;
    private bool _failing;

    /// <summary>How often the leases are renewed: a third of <see cref="SpoolOptions.LeaseDuration"/> (two renewals may fail before one runs out).</summary>
    public TimeSpan Interval => options.Value.LeaseDuration / 3;

    /// <inheritdoc/>
    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _lostCounter = meter.CreateCounter<long>("mailgate.leases.lost", "{message}", "Messages this gateway dropped because another replica took them over after their lease ran out");
    }

    /// <summary>Renews the leases every <see cref="Interval"/> on the injected clock, until the returned timer is disposed.</summary>
    public ITimer Start() => time.CreateTimer(_ => Renew(), null, Interval, Interval);

    /// <summary>One renewal of every claim held now; drops the messages whose claim was lost. Never throws.</summary>
    public void Renew()
    {
        if (Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return; // the previous renewal is still waiting for the database
        }

        try
        {
            var held = Held();
            IReadOnlyList<string> lost;
            try
            {
                lost = storage.Renew(held);
                _failing = false;
            }
            catch (IOException e)
            {
                if (!_failing)
                {
                    Log.LeaseRenewalFailed(logger, held.Count, e.Message);
                }

                _failing = true;
                return;
            }

            foreach (var id in lost.Where(StillHeld))
            {
                Lost(id);
            }

            Forget();
        }
        catch (ObjectDisposedException)
        {
            // Shutting down: the storage is closed (and has released its claims).
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
            events.OnLeasesRenewed();
        }
    }

    /// <summary>
    /// Right before a PagerDuty request for <paramref name="work"/>: renews its claim alone. True when this gateway still
    /// holds it (the lease now runs for a whole <see cref="SpoolOptions.LeaseDuration"/>, so no other replica takes it over
    /// while the request is in flight); false when the storage cannot be reached (send nothing now) or the claim was lost
    /// (the message is dropped here, which cancels its delivery).
    /// </summary>
    public bool Confirm(MessageWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            if (storage.Renew([work.Message]).Count == 0)
            {
                return true;
            }
        }
        catch (IOException)
        {
            return false; // the lease keeper's own renewal logs the outage (event 1011)
        }
        catch (ObjectDisposedException)
        {
            return false; // shutting down
        }

        if (!work.IsMovedNow)
        {
            Lost(work.Message.Id);
        }

        return false;
    }

    /// <summary>
    /// Drops <paramref name="spoolId"/>, whose claim another owner took over: cancels its deliveries here and forgets
    /// it everywhere. Logged and counted once per message (a write refused after a renewal found the loss is the same loss).
    /// </summary>
    public void Lost(string spoolId)
    {
        var first = _lost.TryAdd(spoolId, time.GetTimestamp());
        inHand.Tracked(spoolId)?.Drop();
        inHand.Finished(spoolId);
        inbox.Drop(spoolId);
        deferrals.Forget(spoolId);
        unsaved.Remove(spoolId);
        if (first)
        {
            _lostCounter?.Add(1);
            Log.LeaseLost(logger, spoolId, storage.Location);
            events.OnLeaseLost(spoolId);
        }
    }

    private List<StoredMessage> Held() =>
        [.. inHand.Held().Concat(inbox.Waiting).Concat(deferrals.Held).DistinctBy(m => m.Id, StringComparer.Ordinal)];

    /// <summary>
    /// Whether a message the renewal did not find claimed is still held here: one finished meanwhile (moved to done
    /// or dead by this gateway) is not a loss. Reading <see cref="MessageWork.IsMoved"/> waits for a move in flight.
    /// </summary>
    private bool StillHeld(string spoolId) =>
        inHand.Tracked(spoolId) is { } work ? !work.IsMovedNow : inHand.Contains(spoolId) || inbox.Contains(spoolId) || deferrals.Held.Any(m => m.Id == spoolId);

    /// <summary>Forgets losses older than ten leases: a write still in flight then is long over.</summary>
    private void Forget()
    {
        var now = time.GetTimestamp();
        foreach (var (id, at) in _lost)
        {
            if (time.GetElapsedTime(at, now) > options.Value.LeaseDuration * 10)
            {
                _lost.TryRemove(id, out _);
            }
        }
    }
}
