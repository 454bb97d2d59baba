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
/// <para>One process owns a spool: the gateway opens it <c>exclusive</c>, which takes the spool's lock
/// (<see cref="SpoolLock"/>) so a second gateway on the same folder is refused. The CLI opens it
/// shared: it reads every area, and changes only <c>dead/</c> and <c>done/</c> (moving a folder into
/// <c>active/</c> with one atomic rename).</para>
/// <para>Only plain message folders are messages: an entry whose name is not a spool id, a symbolic link,
/// anything that is not a directory, a folder where a file the spool uses (envelope, content, state and
/// its temporary file) is anything but a regular file (a link, a FIFO, a folder), or one without its
/// envelope or content is <em>damaged</em>. Reading never follows such an
/// entry; the owner moves damaged entries of <c>active/</c> to <c>corrupt/</c> wherever it meets them
/// (<see cref="Recover"/>, <see cref="List"/>, <see cref="Ids"/>, <see cref="Open"/>) and raises
/// <see cref="Quarantined"/>. Names starting with a dot are left alone and never read.</para>
/// </remarks>
public sealed class SpoolStore : IDisposable
{
    private const string NotAnId = "its name is not a spool id";

    /// <summary>The names in a message folder that anything reads or writes.</summary>
    private static readonly string[] FilesUsed = [SpoolFiles.Envelope, SpoolFiles.Message, SpoolFiles.Case, SpoolFiles.State, SpoolFiles.State + ".tmp"];

    private readonly GroupCommitter? _groupCommit;
    private readonly SpoolLock? _lock;

    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    /// <summary>Opens (and creates, if needed) the spool under <paramref name="root"/>.</summary>
    /// <param name="root">The spool's folder.</param>
    /// <param name="groupCommit">Flush concurrent commits together (<see cref="GroupCommitter"/>; Linux only) instead of file by file.</param>
    /// <param name="exclusive">
    /// Own the spool: take its lock for the life of this object (released by <see cref="Dispose"/>, or by
    /// the kernel when the process dies) and set damaged entries of <c>active/</c> aside when met.
    /// </param>
    /// <exception cref="SpoolLockedException">With <paramref name="exclusive"/>: another process owns the spool.</exception>
    /// <exception cref="IOException">The folders or the lock file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable for this user.</exception>
    public SpoolStore(string root, bool groupCommit = false, bool exclusive = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        foreach (var area in Enum.GetValues<SpoolArea>())
        {
            Directory.CreateDirectory(PathOf(area));
        }

        _lock = exclusive ? SpoolLock.Acquire(Root) : null;
        try
        {
            _groupCommit = groupCommit && GroupCommitter.IsSupported ? new GroupCommitter(Root) : null;
        }
        catch
        {
            _lock?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the spool at <paramref name="root"/> as it is, shared (as the <c>mailgate spool</c> commands
    /// do): creates nothing, so a mistyped path is an error, not a new empty spool.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/>, or one of its areas, does not exist.</exception>
    public static SpoolStore OpenExisting(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"there is no spool at {full}: no such folder");
        }

        if (Enum.GetValues<SpoolArea>().Select(area => area.ToString().ToLowerInvariant()).FirstOrDefault(area => !Directory.Exists(Path.Combine(full, area))) is { } missing)
        {
            throw new DirectoryNotFoundException($"{full} is not a MailGate spool: it has no {missing}/ folder");
        }

        return new SpoolStore(full);
    }

    /// <summary>
    /// Raised (by an exclusive store) after a damaged entry was moved to <c>corrupt/</c>, at recovery or
    /// while running; the argument names the entry and what is wrong with it.
    /// </summary>
    public event EventHandler<DamagedEntry>? Quarantined;

    /// <summary>
    /// Raised when a damaged entry of <c>active/</c> cannot be moved to <c>corrupt/</c> (a permission, a
    /// file system that refuses the rename): it stays where it is, skipped, never read.
    /// </summary>
    public event EventHandler<QuarantineFailedEventArgs>? QuarantineFailed;

    /// <summary>Whether this store owns the spool (holds its lock).</summary>
    public bool IsExclusive => _lock is not null;

    /// <summary>Whether commits are flushed in groups (see <see cref="GroupCommitter"/>).</summary>
    public bool GroupCommit => _groupCommit is not null;

    /// <summary>How many group flushes were made so far (0 without group commit).</summary>
    public long GroupCommitBatches => _groupCommit?.Batches ?? 0;

    /// <summary>Stops the group-commit thread and releases the spool's lock.</summary>
    public void Dispose()
    {
        _groupCommit?.Dispose();
        _lock?.Dispose();
    }

    /// <summary>Why the spool's lock no longer guards it (see <see cref="SpoolLock.Problem"/>); null while it does, or when not exclusive.</summary>
    public string? LockProblem() => _lock?.Problem();

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
    /// <param name="data">
    /// The message as SmtpServer hands it over: dot-unstuffed, without the final CRLF (which is added).
    /// For a support case (<see cref="Envelope.Case"/>), the case's JSON, written as is.
    /// </param>
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
            await using (var file = CreateNew(Path.Combine(incoming, SpoolFiles.Content(envelope))))
            {
                foreach (var segment in data)
                {
                    await file.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
                }

                if (envelope.Case is null)
                {
                    file.Write(CrLf);
                }

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

    /// <summary>
    /// The messages in <paramref name="area"/>, oldest first. Damaged entries are skipped (and, by an
    /// exclusive store, moved out of <c>active/</c> to <c>corrupt/</c>).
    /// </summary>
    public IReadOnlyList<SpooledMessage> List(SpoolArea area)
    {
        var scan = Scan(area);
        QuarantineIfOwner(area, scan.Damaged);
        return scan.Messages;
    }

    /// <summary>Every entry of <paramref name="area"/>, oldest first: the messages, and the damaged entries with what is wrong with each. Moves nothing.</summary>
    public SpoolScan Scan(SpoolArea area)
    {
        var messages = new List<SpooledMessage>();
        var damaged = new List<DamagedEntry>();
        foreach (var name in Names(area))
        {
            var entry = Inspect(area, name);
            if (entry.Message is { } message)
            {
                messages.Add(message);
            }
            else if (entry.Problem is { } problem)
            {
                damaged.Add(new DamagedEntry(area, name, problem));
            }
        }

        return new SpoolScan(messages, damaged);
    }

    /// <summary>
    /// The ids in <paramref name="area"/>, oldest first, without reading any file: names only, so an id
    /// listed here may still be damaged (<see cref="Open"/> tells). An exclusive store moves entries of
    /// <c>active/</c> whose name is not a spool id to <c>corrupt/</c>.
    /// </summary>
    public IReadOnlyList<string> Ids(SpoolArea area)
    {
        var names = Names(area);
        QuarantineIfOwner(area, names.Where(name => !SpoolIds.IsValid(name)).Select(name => new DamagedEntry(area, name, NotAnId)).ToArray());
        return names.Where(SpoolIds.IsValid).ToArray();
    }

    /// <summary>
    /// The message <paramref name="id"/> in <paramref name="area"/>, or null when it is not there, not a
    /// spool id, or damaged (an exclusive store then moves it from <c>active/</c> to <c>corrupt/</c>).
    /// </summary>
    public SpooledMessage? Open(SpoolArea area, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!SpoolIds.IsValid(id))
        {
            return null;
        }

        var entry = Inspect(area, id);
        if (entry.Problem is { } problem)
        {
            QuarantineIfOwner(area, [new DamagedEntry(area, id, problem)]);
        }

        return entry.Message;
    }

    /// <summary>Finds a message by id in any area but <see cref="SpoolArea.Incoming"/>; damaged entries are not found. Moves nothing.</summary>
    public (SpooledMessage Message, SpoolArea Area)? Find(string id)
    {
        if (!SpoolIds.IsValid(id))
        {
            return null;
        }

        foreach (var area in new[] { SpoolArea.Active, SpoolArea.Dead, SpoolArea.Done, SpoolArea.Corrupt })
        {
            if (Inspect(area, id).Message is { } message)
            {
                return (message, area);
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

        ProcessingState? state;
        using (var stream = File.OpenRead(path))
        {
            state = JsonSerializer.Deserialize(stream, SpoolJsonContext.Default.ProcessingState);
        }

        if (state is null)
        {
            return new ProcessingState();
        }

        // Audit notes only: a state written before MailGate kept them (no "untrusted") reads as none.
        state = state.Untrusted is null || state.Untrusted.Any(u => u is null) ? state with { Untrusted = [.. (state.Untrusted ?? []).Where(u => u is not null)] } : state;
        if (!state.IsDecided && state.Deliveries is null)
        {
            return state with { Deliveries = [] }; // nothing decided yet: nothing owed
        }

        return Incomplete(state) is { } missing ? throw new JsonException($"{SpoolFiles.State} is incomplete: {missing}") : state;
    }

    /// <summary>
    /// What valid JSON lacks to be a state the gateway can act on (the deliveries, or a part of one,
    /// missing or <c>null</c>, which the serializer lets through), or null when nothing: such a state is as
    /// unreadable as broken JSON, and is treated the same way (the message goes to <c>corrupt/</c>), since
    /// acting on it could lose a page or send one twice.
    /// </summary>
    private static string? Incomplete(ProcessingState state)
    {
        if (state.Deliveries is null)
        {
            return "decided, but its deliveries are missing";
        }

        for (var i = 0; i < state.Deliveries.Count; i++)
        {
            var delivery = state.Deliveries[i];
            var missing = delivery is null ? "is null"
                : delivery.Rule is null ? "has no rule"
                : delivery.Route is null ? "has no route"
                : delivery.Event?.Payload is null || delivery.Event.DedupKey is null ? "has no complete event"
                : delivery.Event.Payload.Summary is null || delivery.Event.Payload.Source is null || delivery.Event.Payload.Severity is null ? "has no complete event payload"
                : null;
            if (missing is not null)
            {
                return $"deliveries[{i}] {missing}";
            }
        }

        return null;
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
    /// <c>incoming/</c>, and moves damaged entries of <c>active/</c> (see the remarks on
    /// <see cref="SpoolStore"/>) to <c>corrupt/</c>.
    /// </summary>
    /// <returns>What was cleaned up, for the log.</returns>
    public SpoolRecovery Recover()
    {
        // Nothing in incoming/ was ever acknowledged: every entry goes, whatever it is (a folder, a file, a
        // FIFO, a link: the link itself, never what it points to; a readiness probe left by a crash).
        var discarded = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(PathOf(SpoolArea.Incoming)))
        {
            if (EntryKinds.Of(entry) is EntryKind.Directory)
            {
                TryDelete(entry);
            }
            else
            {
                TryDeleteFile(entry);
            }

            discarded++;
        }

        var corrupt = new List<string>();
        foreach (var damaged in Scan(SpoolArea.Active).Damaged)
        {
            if (Quarantine(damaged))
            {
                corrupt.Add(damaged.Name);
            }
        }

        DirectorySync.Flush(PathOf(SpoolArea.Active));
        return new SpoolRecovery(discarded, corrupt);
    }

    /// <summary>The names in <paramref name="area"/>, sorted (ids sort by arrival), dot-names left out.</summary>
    private string[] Names(SpoolArea area) =>
        Directory.EnumerateFileSystemEntries(PathOf(area)).Select(Path.GetFileName).OfType<string>()
            .Where(name => !name.StartsWith('.')).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Whether <paramref name="name"/> in <paramref name="area"/> is a message, damaged (and why), or gone.</summary>
    private Inspection Inspect(SpoolArea area, string name)
    {
        if (!SpoolIds.IsValid(name))
        {
            return Inspection.Damaged(NotAnId);
        }

        var directory = Path.Combine(PathOf(area), name);
        switch (EntryKinds.Of(directory))
        {
            case EntryKind.Missing:
                return Inspection.Gone;
            case EntryKind.Link:
                return Inspection.Damaged($"a symbolic link (to {new FileInfo(directory).LinkTarget}), not a message folder");
            case not EntryKind.Directory:
                return Inspection.Damaged("not a folder");
        }

        try
        {
            // Every file the gateway or the CLI opens or writes here must be a regular file (or absent):
            // no link to follow, no FIFO to block on. Other names inside are never opened.
            foreach (var file in FilesUsed)
            {
                var kind = EntryKinds.Of(Path.Combine(directory, file));
                if (kind is not (EntryKind.File or EntryKind.Missing))
                {
                    return Inspection.Damaged($"{file} is {(kind is EntryKind.Link ? "a symbolic link" : "not a regular file")}");
                }
            }

            Envelope? envelope;
            using (var stream = File.OpenRead(Path.Combine(directory, SpoolFiles.Envelope)))
            {
                envelope = JsonSerializer.Deserialize(stream, SpoolJsonContext.Default.Envelope);
            }

            if (envelope is null)
            {
                return Inspection.Damaged($"{SpoolFiles.Envelope} is empty (null)");
            }

            if (Incomplete(envelope) is { } missing)
            {
                return Inspection.Damaged($"{SpoolFiles.Envelope} is not valid: {missing}");
            }

            var content = SpoolFiles.Content(envelope);
            if (EntryKinds.Of(Path.Combine(directory, content)) is not EntryKind.File)
            {
                return Missing(directory, content);
            }

            return new Inspection(new SpooledMessage(name, directory, envelope), null);
        }
        catch (FileNotFoundException)
        {
            return Missing(directory, SpoolFiles.Envelope);
        }
        catch (DirectoryNotFoundException)
        {
            return Inspection.Gone; // moved away while being looked at (finished, or re-queued)
        }
        catch (JsonException e)
        {
            return Inspection.Damaged($"{SpoolFiles.Envelope} is not valid: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            return Inspection.Damaged($"cannot be read: {e.Message}");
        }
        catch (IOException)
        {
            return Inspection.Gone; // unreadable just now (an I/O error, no file handles left): looked at again next time
        }

        static Inspection Missing(string directory, string file) =>
            EntryKinds.Of(directory) is EntryKind.Missing ? Inspection.Gone : Inspection.Damaged($"{file} is missing");
    }

    /// <summary>What valid JSON lacks to be an envelope (a field missing or <c>null</c>, which the serializer lets through), or null.</summary>
    private static string? Incomplete(Envelope envelope) =>
        envelope.MailFrom is null ? "mail_from is missing"
        : envelope.Recipients is null ? "recipients is missing"
        : envelope.Recipients.Any(r => r is null) ? "recipients holds null"
        : envelope.Case is { } origin && (origin.AccountId is null || origin.AccountName is null || origin.AccountEmail is null || origin.Language is null) ? "case lacks its account or language"
        : null;

    private void QuarantineIfOwner(SpoolArea area, IReadOnlyList<DamagedEntry> damaged)
    {
        if (_lock is null || area != SpoolArea.Active || damaged.Count == 0)
        {
            return;
        }

        foreach (var entry in damaged)
        {
            Quarantine(entry);
        }
    }

    /// <summary>Renames the damaged entry (whatever it is: a link moves as a link) into <c>corrupt/</c>; false when it is gone already.</summary>
    private bool Quarantine(DamagedEntry entry)
    {
        var source = Path.Combine(PathOf(entry.Area), entry.Name);
        var target = Path.Combine(PathOf(SpoolArea.Corrupt), entry.Name);
        if (EntryKinds.Of(target) is not EntryKind.Missing)
        {
            target += "-" + Path.GetRandomFileName();
        }

        try
        {
            Directory.Move(source, target);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            return false; // gone meanwhile
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still never read or processed; said again each time it is met, until a person moves it.
            QuarantineFailed?.Invoke(this, new QuarantineFailedEventArgs(entry, e.Message));
            return false;
        }

        DirectorySync.Flush(PathOf(SpoolArea.Corrupt));
        DirectorySync.Flush(PathOf(entry.Area));
        Quarantined?.Invoke(this, entry);
        return true;
    }

    private static FileStream CreateNew(string path) =>
        new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024, FileOptions.Asynchronous);

    private static void WriteJson<T>(string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, bool flushToDisk)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 4096);
        JsonSerializer.Serialize(file, value, type);
        file.Flush(flushToDisk);
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next recovery; it was never acknowledged.
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

    /// <summary>The outcome of looking at one entry: a message, damaged (with the problem), or gone (both null).</summary>
    private readonly record struct Inspection(SpooledMessage? Message, string? Problem)
    {
        public static Inspection Gone => default;

        public static Inspection Damaged(string problem) => new(null, problem);
    }
}

/// <summary>What <see cref="SpoolStore.Recover"/> cleaned up.</summary>
/// <param name="DiscardedIncoming">Never-acknowledged partial writes deleted.</param>
/// <param name="Corrupt">Ids moved to the corrupt area.</param>
public sealed record SpoolRecovery(int DiscardedIncoming, IReadOnlyList<string> Corrupt);
