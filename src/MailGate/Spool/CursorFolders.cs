using MailGate.Core.Spool;
using MailGate.Core.Storage;

namespace MailGate.Spool;

/// <summary>
/// Poller cursors in a folder of the operator's choosing, outside the storage (<c>SupportCases:StatePath</c>):
/// the same files the file spool keeps in <c>{spool}/{poller}/</c> (<see cref="IPollerCursors"/>), one
/// <c>{key}.json</c> each, written atomically and durably. The one way the pollers reach the file backend.
/// </summary>
public static class CursorFolders
{
    /// <summary>The cursors kept in <paramref name="folder"/> (created if needed).</summary>
    /// <exception cref="IOException">The folder cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder may not be created.</exception>
    public static ICursorDocuments At(string folder) => new DocumentFolder(folder);
}
