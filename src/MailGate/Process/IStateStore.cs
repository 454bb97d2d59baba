using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Spool;

namespace MailGate.Process;

/// <summary>
/// Where the processor reads and records what it decided and did: <c>state.json</c> and the move to
/// <c>done/</c> or <c>dead/</c>. A seam so that tests can make these writes fail (a read-only or full
/// file system) and check that nothing known in memory is lost or done twice.
/// </summary>
internal interface IStateStore
{
    /// <summary>The message's processing state, or an empty one when none was written yet.</summary>
    /// <exception cref="System.Text.Json.JsonException"><c>state.json</c> is not a state.</exception>
    /// <exception cref="IOException">It cannot be read.</exception>
    ProcessingState ReadState(SpooledMessage message);

    /// <summary>Replaces the message's <c>state.json</c> atomically and durably.</summary>
    /// <exception cref="IOException">The file system refused the write (read-only, full, I/O error).</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder may not be written.</exception>
    void WriteState(SpooledMessage message, ProcessingState state);

    /// <summary>Moves the message to <paramref name="area"/> and returns it there.</summary>
    /// <exception cref="IOException">The file system refused the rename.</exception>
    /// <exception cref="UnauthorizedAccessException">The folders may not be changed.</exception>
    SpooledMessage Move(SpooledMessage message, SpoolArea area);
}

/// <summary>The real thing: <see cref="SpoolStore.WriteState"/> and <see cref="SpoolStore.Move"/>.</summary>
internal sealed class SpoolStateStore(SpoolStore spool) : IStateStore
{
    public ProcessingState ReadState(SpooledMessage message) => SpoolStore.ReadState(message);

    public void WriteState(SpooledMessage message, ProcessingState state) => SpoolStore.WriteState(message, state);

    public SpooledMessage Move(SpooledMessage message, SpoolArea area) => spool.Move(message, area);
}
