using MailGate.Core.Messages;

namespace MailGate.Core.Storage;

/// <summary>Reads what a committed message holds.</summary>
public interface IMessageContent : IStorage
{
    /// <summary>
    /// Opens the message's content exactly as committed (see <see cref="IMessageIntake.CommitAsync"/>): a
    /// read-only, seekable stream the caller disposes.
    /// </summary>
    /// <exception cref="IOException">The content cannot be read (gone since the handle was taken: finished, purged).</exception>
    Stream OpenContent(StoredMessage message);

    /// <summary>
    /// The message's processing state, as last written: an undecided, empty state when none was written yet.
    /// Works for a message in any area (a dead letter's state is what <c>spool show</c> prints).
    /// </summary>
    /// <exception cref="System.Text.Json.JsonException">The stored state is damaged: not a state, or one lacking what is acted on (its deliveries, a delivery's rule, route or event).</exception>
    /// <exception cref="IOException">It cannot be read.</exception>
    ProcessingState ReadState(StoredMessage message);
}
