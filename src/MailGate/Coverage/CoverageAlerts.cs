using System.Buffers;
using MailGate.Core.Coverage;
using MailGate.Core.Messages;
using MailGate.Core.Storage;
using MailGate.Spool;
using Microsoft.Extensions.Logging;

namespace MailGate.Coverage;

/// <summary>Pages a coverage alert (or its resolve).</summary>
public interface ICoverageAlerts
{
    /// <summary>
    /// Commits <paramref name="alert"/> durably; when the task completes the outbox owes PagerDuty the event (it retries
    /// until PagerDuty has it). Used by the probe sender (<c>missing</c>, <c>send_failed</c>) and the silence watcher (<c>silence</c>).
    /// </summary>
    /// <param name="alert">The alert.</param>
    /// <param name="subject">What it is about, for logs: the account id, or <c>silence</c>.</param>
    /// <param name="cancellationToken">Cancels the commit (then nothing is committed).</param>
    /// <returns>The spool id of the committed alert.</returns>
    /// <exception cref="IOException">The storage refused the commit.</exception>
    /// <exception cref="UnauthorizedAccessException">The file spool may not be written.</exception>
    Task<string> RaiseAsync(CoverageAlert alert, string subject, CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="ICoverageAlerts"/> through the spool, like the Health poller's events: a message with a
/// <see cref="CoverageOrigin"/> envelope and the alert's JSON (<see cref="CoverageDocuments.Write{T}"/>) as content,
/// decided by the rules file's <c>coverage:</c> section.
/// </summary>
internal sealed class SpooledCoverageAlerts(IMessageIntake spool, ProcessingInbox inbox, TimeProvider time, ILogger<SpooledCoverageAlerts> logger) : ICoverageAlerts
{
    public async Task<string> RaiseAsync(CoverageAlert alert, string subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var message = await spool.CommitAsync(
            new Envelope(time.GetUtcNow(), new CoverageOrigin(subject, alert.Resolve)),
            new ReadOnlySequence<byte>(CoverageDocuments.Write(alert)),
            cancellationToken).ConfigureAwait(false);
        inbox.Enqueue(message);
        CoverageLog.AlertSpooled(logger, message.Id, alert.Kind, alert.Resolve ? "resolve" : "trigger", subject, alert.DedupKey);
        return message.Id;
    }
}
