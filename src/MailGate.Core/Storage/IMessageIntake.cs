using MailGate.Core.Messages;
using System.Buffers;

namespace MailGate.Core.Storage;

/// <summary>Where accepted messages are committed: by the SMTP server before it answers 250, by the pollers before they move their cursor.</summary>
public interface IMessageIntake : IStorage
{
    /// <summary>
    /// Commits a message durably: when the task completes, the message and its envelope survive a crash or
    /// power loss and are unfinished (claimed by this owner, oldest first among the others); when it fails or
    /// is cancelled, nothing was committed and nothing of it is ever seen (leftovers are removed at
    /// <see cref="IProcessingStore.Recover"/>). Concurrent commits may share their flushes (group commit).
    /// </summary>
    /// <param name="envelope">The envelope; its <see cref="Envelope.ReceivedAt"/> dates the new id.</param>
    /// <param name="content">
    /// For <see cref="MailOrigin"/> the message as SmtpServer hands it over (dot-unstuffed, without the final
    /// CRLF, which is added: content is stored as RFC 5322 text ending in CRLF); for other origins the
    /// document as the API returned it, stored as is. A backend may read it until the task completes (the
    /// PostgreSQL one streams it into its <c>INSERT</c> instead of copying it), so the caller keeps it unchanged until then.
    /// </param>
    /// <param name="cancellationToken">Cancels the commit (then nothing is committed).</param>
    /// <returns>The committed message.</returns>
    /// <exception cref="IOException">The storage refused the commit (full, read-only, unreachable).</exception>
    /// <exception cref="UnauthorizedAccessException">The file spool may not be written.</exception>
    Task<StoredMessage> CommitAsync(Envelope envelope, ReadOnlySequence<byte> content, CancellationToken cancellationToken);
}
