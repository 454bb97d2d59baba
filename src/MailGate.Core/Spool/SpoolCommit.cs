using MailGate.Core.Files;
using MailGate.Core.Messages;
using MailGate.Core.Storage;
using System.Buffers;

namespace MailGate.Core.Spool;

/// <summary>
/// The file spool's commit protocol: write the content and <c>envelope.json</c> into <c>incoming/{id}</c>,
/// fsync each file and the folder, rename the folder into <c>active/</c>, fsync <c>active/</c> — or, with
/// group commit, flush whole batches of such folders at once (<see cref="GroupCommitter"/>). Only then is the
/// message committed. A failure or cancellation deletes the folder from <c>incoming/</c>; a crash leaves it
/// there, never acknowledged, for recovery to delete.
/// </summary>
internal sealed class SpoolCommit(SpoolEntries entries, GroupCommitter? groupCommit)
{
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    public async Task<SpooledMessage> CommitAsync(Envelope envelope, ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var content = SpoolFiles.Content(envelope);
        var id = SpoolIds.New(envelope.ReceivedAt);
        var incoming = Path.Combine(entries.PathOf(SpoolArea.Incoming), id);
        Directory.CreateDirectory(incoming);
        var active = Path.Combine(entries.PathOf(SpoolArea.Active), id);
        var flushEach = groupCommit is null;
        try
        {
            await using (var file = new FileStream(Path.Combine(incoming, content), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024, FileOptions.Asynchronous))
            {
                foreach (var segment in data)
                {
                    await file.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
                }

                if (envelope.Origin is MailOrigin)
                {
                    file.Write(CrLf);
                }

                file.Flush(flushToDisk: flushEach);
            }

            cancellationToken.ThrowIfCancellationRequested();
            EnvelopeFile.Write(Path.Combine(incoming, SpoolFiles.Envelope), envelope, flushEach);
            if (groupCommit is not null)
            {
                await groupCommit.CommitAsync(incoming, active).ConfigureAwait(false);
            }
            else
            {
                DirectorySync.Flush(incoming);
                Directory.Move(incoming, active);
                DirectorySync.Flush(entries.PathOf(SpoolArea.Active));
            }

            return new SpooledMessage(id, active, envelope);
        }
        catch
        {
            TryDelete(incoming);
            throw;
        }
    }

    /// <summary>Deletes <paramref name="path"/> whatever it is (a folder recursively, a file, a FIFO, a link: the link itself); left for the next recovery when that fails.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            if (EntryKinds.Of(path) is EntryKind.Directory)
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next recovery; it was never acknowledged.
        }
    }
}
