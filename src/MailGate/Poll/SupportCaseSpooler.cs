using MailGate.Core.Messages;
using MailGate.Core.Storage;
using System.Buffers;
using System.Text;
using MailGate.Poll.Aws;
using MailGate.Spool;

namespace MailGate.Poll;

/// <summary>
/// Hands a support case to the same path as mail: commits it to the spool (fsynced) with its origin,
/// then queues it for processing. The one place the poller builds a case's envelope.
/// </summary>
internal sealed class SupportCaseSpooler(IMessageIntake spool, ProcessingInbox inbox, TimeProvider time)
{
    /// <summary>Commits <paramref name="caseJson"/> byte for byte as <c>case.json</c> and queues it; returns the spooled entry.</summary>
    /// <param name="account">The account whose Support API returned the case.</param>
    /// <param name="language">The language it was listed under.</param>
    /// <param name="caseJson">The case exactly as AWS returned it (<see cref="Parse.SupportCase.Json"/>).</param>
    /// <param name="resolve">True for the <c>resolve</c> owed for a case seen resolved.</param>
    /// <param name="cancellationToken">Stops the commit (nothing is queued then).</param>
    /// <exception cref="IOException">The spool could not commit it.</exception>
    public async Task<StoredMessage> SpoolAsync(AwsAccount account, string language, string caseJson, bool resolve, CancellationToken cancellationToken)
    {
        var origin = new SupportCaseOrigin(account.Id, account.Name, account.Email, language, resolve);
        var message = await spool.CommitAsync(
            Envelope.ForSupportCase(origin, time.GetUtcNow()),
            new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(caseJson)),
            cancellationToken).ConfigureAwait(false);
        inbox.Enqueue(message);
        return message;
    }
}
