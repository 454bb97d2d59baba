using MailGate.Core.Messages;
using MailGate.Core.Storage;
using MailGate.Spool;

namespace MailGate.Process;

/// <summary>
/// Where the processor reads and records what it decided and did: the message's processing state and the
/// move to done or dead (the storage's <see cref="IProcessingStore"/>; the file spool: <c>state.json</c> and
/// <c>done/</c> or <c>dead/</c>). A seam so that tests can make these writes fail (a read-only or full
/// file system) and check that nothing known in memory is lost or done twice.
/// </summary>
internal interface IStateStore
{
    /// <summary>The message's processing state, or an empty one when none was written yet.</summary>
    /// <exception cref="System.Text.Json.JsonException">The stored state is not a state.</exception>
    /// <exception cref="IOException">It cannot be read.</exception>
    ProcessingState ReadState(StoredMessage message);

    /// <summary>Replaces the message's stored state atomically and durably.</summary>
    /// <exception cref="IOException">The storage refused the write (read-only, full, I/O error).</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder may not be written.</exception>
    void WriteState(StoredMessage message, ProcessingState state);

    /// <summary>Moves the message to <paramref name="area"/> (done, dead or corrupt) and returns it there.</summary>
    /// <exception cref="IOException">The storage refused the move.</exception>
    /// <exception cref="UnauthorizedAccessException">The folders may not be changed.</exception>
    StoredMessage Move(StoredMessage message, SpoolArea area);
}

/// <summary>The real thing: the storage's <see cref="IMessageContent.ReadState"/>, <see cref="IProcessingStore.WriteState"/> and <see cref="IProcessingStore.Finish"/>.</summary>
internal sealed class StorageStateStore(IProcessingStore storage) : IStateStore
{
    public ProcessingState ReadState(StoredMessage message) => storage.ReadState(message);

    public void WriteState(StoredMessage message, ProcessingState state) => storage.WriteState(message, state);

    public StoredMessage Move(StoredMessage message, SpoolArea area) => storage.Finish(message, area);
}
