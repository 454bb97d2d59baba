using System.Buffers;
using System.Text;
using System.Text.Json;
using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Storage;
using MailGate.Poll;
using MailGate.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.HealthEvents;

/// <summary>
/// The third way in: every <see cref="HealthOptions.PollInterval"/>, while this replica leads the role
/// <c>health-events</c> (<see cref="RoleLeadership"/>), reads Health's organizational view for events updated
/// since the cursor (less the overlap), their affected accounts and their details, and spools each new
/// (event, account) pair with source <c>health-event</c>, like mail: rules, then PagerDuty with retries.
/// </summary>
/// <remarks>
/// A pair already taken is not spooled again when the event is updated (and were it, the delivery ledger
/// would keep it from paging twice); with <see cref="HealthOptions.ResolveEvents"/>, a taken pair seen
/// <c>closed</c> is spooled once more as a <c>resolve</c>. Pairs in <c>failedSet</c> are reported and the mark
/// is not moved that round, so the next round asks for them again. Failures (throttling beyond the retries,
/// <c>SubscriptionRequiredException</c>, the organizational view not enabled) are reported once per change.
/// </remarks>
internal sealed class HealthEventPoller(
    HealthClient health,
    HealthCursorStore cursors,
    HealthResolutions resolutions,
    IMessageIntake spool,
    ProcessingInbox inbox,
    HealthPollStatus status,
    HealthMetrics metrics,
    RoleLeadership leadership,
    IOptions<HealthOptions> options,
    TimeProvider time,
    ILogger<HealthEventPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never hold up the host's start
        var settings = options.Value;
        HealthLog.PollingStarted(logger, settings.PollInterval, string.Join(", ", settings.EffectiveServices), cursors.Location);

        // Leadership lost: another replica resumes from the cursor. Shutting down: the cursor is saved after every event, so the next start resumes.
        await leadership.RunWhileLeadingAsync(HealthCursorStore.Poller, settings.PollInterval, token => PollOnceAsync(settings, token), stoppingToken).ConfigureAwait(false);
    }

    private async Task PollOnceAsync(HealthOptions settings, CancellationToken cancellationToken)
    {
        var spooled = 0;
        try
        {
            var cursor = cursors.Load();
            var pollStart = time.GetUtcNow();
            DateTimeOffset? newest = null;
            var complete = true;
            await foreach (var listed in health.EventsAsync(cursor.From(pollStart, settings), cancellationToken).ConfigureAwait(false))
            {
                var summary = HealthEventReader.FromOrganizationEvent(listed, "", "", "");
                if (summary.LastUpdatedTime > newest || newest is null)
                {
                    newest = summary.LastUpdatedTime ?? newest;
                }

                var wanted = new List<(string EventArn, string AccountId, bool Resolve)>();
                foreach (var account in await health.AffectedAccountsAsync(summary.EventArn, cancellationToken).ConfigureAwait(false))
                {
                    var identity = (summary with { AccountId = account }).Identity;
                    var taken = cursor.Taken.GetValueOrDefault(identity);
                    if (taken is null)
                    {
                        wanted.Add((summary.EventArn, account, false));
                    }

                    if (settings.ResolveEvents && summary.IsClosed && taken?.Resolved != true && !resolutions.WasResolved(identity))
                    {
                        wanted.Add((summary.EventArn, account, true));
                    }
                }

                foreach (var batch in wanted.Select(w => (w.EventArn, w.AccountId)).Distinct().Chunk(HealthClient.DetailsBatch))
                {
                    var (successful, failed) = await health.DetailsAsync(batch, cancellationToken).ConfigureAwait(false);
                    if (failed.Count > 0)
                    {
                        complete = false;
                        metrics.DetailsFailed(failed.Count);
                        foreach (var f in failed)
                        {
                            HealthLog.DetailsFailed(logger, Text(f, "eventArn"), Text(f, "awsAccountId"), Text(f, "errorName"), Text(f, "errorMessage"));
                        }
                    }

                    foreach (var entry in successful)
                    {
                        var healthEvent = HealthEventReader.FromDetails(entry);
                        foreach (var want in wanted.Where(w => w.EventArn == healthEvent.EventArn && w.AccountId == healthEvent.AccountId))
                        {
                            await SpoolAsync(healthEvent, want.Resolve, cancellationToken).ConfigureAwait(false);
                            if (want.Resolve)
                            {
                                resolutions.MarkResolved(healthEvent.Identity);
                            }

                            spooled++;
                            var previous = cursor.Taken.GetValueOrDefault(healthEvent.Identity);
                            cursor.Taken[healthEvent.Identity] = new TakenEvent(
                                healthEvent.LastUpdatedTime ?? pollStart, want.Resolve || previous?.Resolved == true);
                        }
                    }

                    cursors.Save(cursor); // after every batch: a restart does not spool these again
                }
            }

            if (complete)
            {
                cursor.Advance(newest, pollStart, settings.Overlap);
                cursors.Save(cursor);
            }

            var before = status.Succeeded(time.GetUtcNow(), spooled);
            metrics.Poll(PollErrorPolicy.Ok);
            if (PollErrorPolicy.IsRecovery(before))
            {
                HealthLog.Recovered(logger, before);
            }
        }
#pragma warning disable CA1031 // Whatever goes wrong is reported; it must not stop the gateway (mail still flows).
        catch (Exception e) when (PollErrorPolicy.IsFailure(e, cancellationToken) && !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            var state = HealthPollStatus.StateOf(e);
            var error = HealthPollStatus.Describe(e, state);
            var before = status.Failed(state, error, spooled);
            metrics.Poll(state);
            if (PollErrorPolicy.WarnsAbout(before, state))
            {
                HealthLog.Failed(logger, state, error);
            }
        }
    }

    private async Task SpoolAsync(HealthEvent healthEvent, bool resolve, CancellationToken cancellationToken)
    {
        var message = await spool.CommitAsync(
            Envelope.ForHealthEvent(new HealthEventOrigin(HealthEventOrigin.Polled, resolve), time.GetUtcNow()),
            new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(healthEvent.Json)),
            cancellationToken).ConfigureAwait(false);
        inbox.Enqueue(message);
        metrics.Spooled(resolve);
        HealthLog.Spooled(logger, message.Id, healthEvent.EventTypeCode, healthEvent.AccountId, resolve ? "resolve" : "trigger", healthEvent.EventArn);
    }

    private static string Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
}
