using System.Buffers;
using MailGate.Core.Coverage;
using MailGate.Core.Messages;
using MailGate.Core.Storage;
using MailGate.Observability;
using MailGate.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Coverage;

/// <summary>
/// The silence alarm (issue #15), while this replica leads the role <see cref="Role"/>: every
/// <see cref="SilenceRecorder.Interval"/> reads when any replica last accepted mail, and when none has for longer
/// than <c>Coverage:SilenceAlarm</c> commits one <see cref="CoverageAlert"/> of kind <c>silence</c> (dedup key
/// <see cref="CoverageAlert.SilenceKey"/>) to the spool, like any message, so the outbox pages it on the rules file's
/// <c>coverage:</c> route; when mail arrives again, commits its <c>resolve</c>. Whether an alert is open is kept in
/// the store (<see cref="MailSilence.AlarmKey"/>), so a new leader neither pages twice nor forgets to resolve.
/// </summary>
internal sealed class SilenceAlarm(
    IPollerCursors storage,
    IMessageIntake spool,
    ProcessingInbox inbox,
    MailArrivals arrivals,
    RoleLeadership leadership,
    IOptions<CoverageOptions> options,
    TimeProvider time,
    ILogger<SilenceAlarm> logger) : BackgroundService
{
    /// <summary>The once-only role the alarm runs under.</summary>
    public const string Role = "coverage-silence";

    private string? _lastError;
    private int _checks;

    /// <summary>Raised after each check (whatever it did), with the number of checks run so far; for tests and status.</summary>
    public event EventHandler<int>? Checked;

    /// <summary>The number of checks run so far (as <see cref="Checked"/> reports them).</summary>
    public int Checks => Volatile.Read(ref _checks);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never hold up the host's start
        if (options.Value.EffectiveSilenceAlarm is not { } alarm)
        {
            return;
        }

        Log.SilenceWatching(logger, alarm, SilenceRecorder.Interval);

        // A new leader reads the alarm's state from the store.
        await leadership.RunWhileLeadingAsync(Role, SilenceRecorder.Interval, token => CheckAsync(alarm, token), stoppingToken).ConfigureAwait(false);
    }

    private readonly HashSet<string> _damaged = new(StringComparer.Ordinal);

    /// <summary>One check: raise, resolve or nothing (<see cref="MailSilence.Decide"/>); a storage failure is logged once per change.</summary>
    internal async Task CheckAsync(TimeSpan alarm, CancellationToken cancellationToken)
    {
        try
        {
            var store = storage.Cursors(MailSilence.Store);
            var now = time.GetUtcNow();
            var state = Document<SilenceAlarmState>(store, MailSilence.AlarmKey);
            if (state is null)
            {
                state = new SilenceAlarmState { WatchingSince = now };
                store.Write(MailSilence.AlarmKey, CoverageDocuments.Write(state));
            }

            var stored = Document<LastReceived>(store, MailSilence.AllKey)?.ReceivedAt;
            var local = arrivals.Last;
            var last = stored > local || local is null ? stored : local;
            switch (MailSilence.Decide(last, state, now, alarm))
            {
                case SilenceAction.Raise:
                    var since = last ?? state.WatchingSince;
                    var raised = await CommitAsync(Alert(resolve: false, since, last is null, alarm, now), cancellationToken).ConfigureAwait(false);
                    store.Write(MailSilence.AlarmKey, CoverageDocuments.Write(state with { OpenSince = now }));
                    Log.SilenceRaised(logger, since, alarm, raised);
                    break;
                case SilenceAction.Resolve:
                    var resolved = await CommitAsync(Alert(resolve: true, last!.Value, false, alarm, now), cancellationToken).ConfigureAwait(false);
                    store.Write(MailSilence.AlarmKey, CoverageDocuments.Write(state with { OpenSince = null }));
                    Log.SilenceResolved(logger, last.Value, resolved);
                    break;
            }

            _lastError = null;
        }
#pragma warning disable CA1031 // The storage may refuse (unwritable, database down): the next round checks again.
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
#pragma warning restore CA1031
        {
            if (e.Message != _lastError)
            {
                Log.SilenceStoreFailed(logger, $"{storage.Location} ({MailSilence.Store})", e.Message);
            }

            _lastError = e.Message;
        }

        var checks = Interlocked.Increment(ref _checks); // counted even with no listener (?. would skip the argument)
        Checked?.Invoke(this, checks);
    }

    /// <summary>
    /// A document of the store; null when absent or damaged (logged): a damaged <c>all</c> counts the quiet from when
    /// the alarm began watching, a damaged <c>alarm</c> starts watching anew — never an alarm silenced for good by one bad file.
    /// </summary>
    private T? Document<T>(ICursorDocuments store, string key)
        where T : class
    {
        var document = CoverageDocuments.ReadOrReplace<T>(store.Read(key), out var damage);
        if (damage is not null && _damaged.Add(key))
        {
            Log.CoverageDocumentDamaged(logger, key, $"{store.Location} ({MailSilence.Store})", damage); // once per document and run
        }

        return document;
    }

    /// <summary>The alert: "MailGate has received no mail for 48 h", naming the last mail (or that none was recorded since watching began).</summary>
    internal static CoverageAlert Alert(bool resolve, DateTimeOffset since, bool never, TimeSpan alarm, DateTimeOffset now) => new()
    {
        Kind = "silence",
        Resolve = resolve,
        DedupKey = CoverageAlert.SilenceKey,
        Summary = resolve
            ? $"MailGate receives mail again (newest at {since:u}); the silence alarm is resolved"
            : $"MailGate has received no mail for {Hours(alarm)}: {(never ? "none recorded since it began watching at" : "the last arrived at")} {since:u}; check the Google Groups, the MX record and the SMTP listener",
        RaisedAt = now,
    };

    private static string Hours(TimeSpan span) => span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours)
        ? $"{span.TotalHours:0} h"
        : $"{span.TotalMinutes:0} min";

    private async Task<string> CommitAsync(CoverageAlert alert, CancellationToken cancellationToken)
    {
        var message = await spool.CommitAsync(
            new Envelope(alert.RaisedAt, new CoverageOrigin("silence", alert.Resolve)),
            new ReadOnlySequence<byte>(CoverageDocuments.Write(alert)),
            cancellationToken).ConfigureAwait(false);
        inbox.Enqueue(message);
        return message.Id;
    }
}
