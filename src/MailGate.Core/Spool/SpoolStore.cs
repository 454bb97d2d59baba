using System.Buffers;
using System.Text.Json;

namespace MailGate.Spool;

/// <summary>
/// The durable, file-based message spool. Each message is a folder holding <c>message.eml</c> (the
/// raw bytes), <c>envelope.json</c> and, once processing starts, <c>state.json</c>; a message changes
/// state by renaming its folder from one area to another, which is atomic.
/// </summary>
/// <remarks>
/// <para>Commit protocol (<see cref="CommitAsync"/>): write both files into <c>incoming/{id}</c>,
/// fsync each file and the folder, rename the folder into <c>active/</c>, fsync <c>active/</c> — or,
/// with group commit, flush whole batches of such folders at once (<see cref="GroupCommitter"/>). Only
/// then may the caller answer 250. A crash before the rename leaves a folder in <c>incoming/</c>,
/// which was never acknowledged and is deleted by <see cref="Recover"/>.</para>
/// <para>One process owns a spool; the CLI reads it but does not write to the active area.</para>
/// </remarks>
public sealed class SpoolStore : IDisposable
{
    private readonly GroupCommitter? _groupCommit;

    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    /// <summary>Opens (and creates, if needed) the spool under <paramref name="root"/>.</summary>
    /// <param name="root">The spool's folder.</param>
    /// <param name="groupCommit">Flush concurrent commits together (<see cref="GroupCommitter"/>; Linux only) instead of file by file.</param>
    public SpoolStore(string root, bool groupCommit = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        foreach (var area in Enum.GetValues<SpoolArea>())
        {
            Directory.CreateDirectory(PathOf(area));
        }

        _groupCommit = groupCommit && GroupCommitter.IsSupported ? new GroupCommitter(Root) : null;
    }

    /// <summary>Whether commits are flushed in groups (see <see cref="GroupCommitter"/>).</summary>
    public bool GroupCommit => _groupCommit is not null;

    /// <summary>How many group flushes were made so far (0 without group commit).</summary>
    public long GroupCommitBatches => _groupCommit?.Batches ?? 0;

    /// <summary>Stops the group-commit thread.</summary>
    public void Dispose() => _groupCommit?.Dispose();

    /// <summary>The spool's root folder.</summary>
    public string Root { get; }

    /// <summary>Bytes free for the spool on its file system.</summary>
    public long AvailableBytes() => new DriveInfo(Root).AvailableFreeSpace;

    /// <summary>The folder of <paramref name="area"/>.</summary>
    public string PathOf(SpoolArea area) => Path.Combine(Root, area.ToString().ToLowerInvariant());

    /// <summary>
    /// Writes a message durably and moves it into the active area. When this returns, the message
    /// survives a crash or power loss; when it throws, nothing was committed.
    /// </summary>
    /// <param name="envelope">The SMTP envelope; its <see cref="Envelope.ReceivedAt"/> dates the id.</param>
    /// <param name="data">The message as SmtpServer hands it over: dot-unstuffed, without the final CRLF.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task<SpooledMessage> CommitAsync(Envelope envelope, ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var id = SpoolIds.New(envelope.ReceivedAt);
        var incoming = Path.Combine(PathOf(SpoolArea.Incoming), id);
        Directory.CreateDirectory(incoming);
        var active = Path.Combine(PathOf(SpoolArea.Active), id);
        var flushEach = _groupCommit is null;
        try
        {
            await using (var file = CreateNew(Path.Combine(incoming, SpoolFiles.Message)))
            {
                foreach (var segment in data)
                {
                    await file.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
                }

                file.Write(CrLf);
                file.Flush(flushToDisk: flushEach);
            }

            WriteJson(Path.Combine(incoming, SpoolFiles.Envelope), envelope, SpoolJsonContext.Default.Envelope, flushEach);
            if (_groupCommit is not null)
            {
                await _groupCommit.CommitAsync(incoming, active).ConfigureAwait(false);
            }
            else
            {
                DirectorySync.Flush(incoming);
                Directory.Move(incoming, active);
                DirectorySync.Flush(PathOf(SpoolArea.Active));
            }

            return new SpooledMessage(id, active, envelope);
        }
        catch
        {
            TryDelete(incoming);
            throw;
        }
    }

    /// <summary>The messages in <paramref name="area"/>, oldest first.</summary>
    public IReadOnlyList<SpooledMessage> List(SpoolArea area)
    {
        var result = new List<SpooledMessage>();
        foreach (var directory in Directory.EnumerateDirectories(PathOf(area)).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileName(directory);
            if (SpoolIds.IsValid(id) && TryReadEnvelope(directory) is { } envelope)
            {
                result.Add(new SpooledMessage(id, directory, envelope));
            }
        }

        return result;
    }

    /// <summary>The ids in <paramref name="area"/>, oldest first, without reading any file.</summary>
    public IReadOnlyList<string> Ids(SpoolArea area) =>
        Directory.EnumerateDirectories(PathOf(area)).Select(Path.GetFileName).OfType<string>()
            .Where(SpoolIds.IsValid).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The message <paramref name="id"/> in <paramref name="area"/>, or null when it is not there (or has no readable envelope).</summary>
    public SpooledMessage? Open(SpoolArea area, string id)
    {
        var directory = Path.Combine(PathOf(area), id);
        return SpoolIds.IsValid(id) && TryReadEnvelope(directory) is { } envelope ? new SpooledMessage(id, directory, envelope) : null;
    }

    /// <summary>Finds a message by id in any area but <see cref="SpoolArea.Incoming"/>.</summary>
    public (SpooledMessage Message, SpoolArea Area)? Find(string id)
    {
        if (!SpoolIds.IsValid(id))
        {
            return null;
        }

        foreach (var area in new[] { SpoolArea.Active, SpoolArea.Dead, SpoolArea.Done, SpoolArea.Corrupt })
        {
            var directory = Path.Combine(PathOf(area), id);
            if (Directory.Exists(directory) && TryReadEnvelope(directory) is { } envelope)
            {
                return (new SpooledMessage(id, directory, envelope), area);
            }
        }

        return null;
    }

    /// <summary>The message's processing state, or an empty state when none was written yet.</summary>
    public static ProcessingState ReadState(SpooledMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var path = Path.Combine(message.Directory, SpoolFiles.State);
        if (!File.Exists(path))
        {
            return new ProcessingState();
        }

        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize(stream, SpoolJsonContext.Default.ProcessingState) ?? new ProcessingState();
    }

    /// <summary>Replaces the message's processing state atomically and durably.</summary>
    public static void WriteState(SpooledMessage message, ProcessingState state)
    {
        ArgumentNullException.ThrowIfNull(message);
        var path = Path.Combine(message.Directory, SpoolFiles.State);
        var temporary = path + ".tmp";
        WriteJson(temporary, state, SpoolJsonContext.Default.ProcessingState, flushToDisk: true);
        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(message.Directory);
    }

    /// <summary>Moves a message to <paramref name="area"/> (atomically and durably) and returns it there.</summary>
    public SpooledMessage Move(SpooledMessage message, SpoolArea area)
    {
        ArgumentNullException.ThrowIfNull(message);
        var from = Path.GetDirectoryName(message.Directory)!;
        var target = Path.Combine(PathOf(area), message.Id);
        Directory.Move(message.Directory, target);
        DirectorySync.Flush(PathOf(area));
        DirectorySync.Flush(from);
        return message with { Directory = target };
    }

    /// <summary>
    /// Makes the spool consistent after a crash: deletes never-acknowledged folders in
    /// <c>incoming/</c>, and moves active folders that lack their message or envelope to <c>corrupt/</c>.
    /// </summary>
    /// <returns>What was cleaned up, for the log.</returns>
    public SpoolRecovery Recover()
    {
        var discarded = 0;
        foreach (var directory in Directory.EnumerateDirectories(PathOf(SpoolArea.Incoming)))
        {
            TryDelete(directory);
            discarded++;
        }

        var corrupt = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories(PathOf(SpoolArea.Active)))
        {
            var id = Path.GetFileName(directory);
            if (!SpoolIds.IsValid(id) || !File.Exists(Path.Combine(directory, SpoolFiles.Message)) || TryReadEnvelope(directory) is null)
            {
                var target = Path.Combine(PathOf(SpoolArea.Corrupt), id);
                if (Directory.Exists(target))
                {
                    target += "-" + Path.GetRandomFileName();
                }

                Directory.Move(directory, target);
                corrupt.Add(id);
            }
        }

        DirectorySync.Flush(PathOf(SpoolArea.Active));
        return new SpoolRecovery(discarded, corrupt);
    }

    private static FileStream CreateNew(string path) =>
        new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024, FileOptions.Asynchronous);

    private static void WriteJson<T>(string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, bool flushToDisk)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 4096);
        JsonSerializer.Serialize(file, value, type);
        file.Flush(flushToDisk);
    }

    private static Envelope? TryReadEnvelope(string directory)
    {
        try
        {
            using var stream = File.OpenRead(Path.Combine(directory, SpoolFiles.Envelope));
            return JsonSerializer.Deserialize(stream, SpoolJsonContext.Default.Envelope);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next recovery; it was never acknowledged.
        }
    }
}

/// <summary>What <see cref="SpoolStore.Recover"/> cleaned up.</summary>
/// <param name="DiscardedIncoming">Never-acknowledged partial writes deleted.</param>
/// <param name="Corrupt">Ids moved to the corrupt area.</param>
public sealed record SpoolRecovery(int DiscardedIncoming, IReadOnlyList<string> Corrupt);
