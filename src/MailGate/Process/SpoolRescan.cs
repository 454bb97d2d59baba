using MailGate.Core.Storage;
using Microsoft.Extensions.Logging;
using MailGate.Spool;

namespace MailGate.Process;

/// <summary>
/// Every <see cref="SpoolOptions.ScanInterval"/>, queues the active messages nobody is working on: re-queued
/// by <c>mailgate spool retry</c>, left behind by an unexpected error, or deferred and now due. A message in
/// hand or waiting in the inbox is never queued twice.
/// </summary>
internal sealed class SpoolRescan(
    IProcessingStore storage,
    InHandMessages inHand,
    ProcessingInbox inbox,
    VerificationDeferrals deferrals,
    ProcessingEvents events,
    TimeProvider time,
    ILogger<MessageProcessor> logger)
{
    /// <summary>Lists the active area once and queues what is due; raises <see cref="ProcessingEvents.Scanned"/>.</summary>
    public void Run()
    {
        try
        {
            // Names only: a backlog of thousands during an outage costs no file reads here.
            var now = time.GetTimestamp();
            var active = storage.UnfinishedIds();
            foreach (var id in active)
            {
                if (inHand.Contains(id) || inbox.Contains(id) || deferrals.IsWaiting(id, now))
                {
                    continue;
                }

                if (storage.Claim(id) is { } message)
                {
                    inbox.Enqueue(message);
                }
            }

            deferrals.KeepOnly(active);
        }
        catch (IOException e)
        {
            Log.ScanFailed(logger, e.Message);
        }

        events.OnScanned();
    }
}
