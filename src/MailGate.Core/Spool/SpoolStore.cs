using MailGate.Core.Messages;
using MailGate.Core.Storage;
using System.Buffers;

namespace MailGate.Core.Spool;

/// <summary>
/// The file spool: the first backend of the storage seam (<see cref="IMessageStorage"/>). Each message is a
/// folder holding its content (<c>message.eml</c>, or <c>case.json</c> for a support case), <c>envelope.json</c>
/// (<see cref="EnvelopeFile"/>) and, once processing starts, <c>state.json</c> (<see cref="StateFile"/>); a message
/// changes area by renaming its folder from one area's folder to another's, which is atomic.
/// </summary>
/// <remarks>
/// <para>Commit: <see cref="SpoolCommit"/> (with <see cref="GroupCommitter"/> when asked). A crash before the
/// rename into <c>active/</c> leaves a folder in <c>incoming/</c>, never acknowledged, deleted by <see cref="Recover"/>.</para>
/// <para>One process owns a spool: the gateway opens it <c>exclusive</c>, which takes the spool's lock
/// (<see cref="SpoolLock"/>) so a second gateway on the same folder is refused; as the only owner it claims every
/// unfinished message, never loses a claim, and leads every role. The CLI opens it shared: it reads every area,
/// and changes only <c>dead/</c> and <c>done/</c> (<see cref="SpoolAdministration"/>).</para>
/// <para>Only plain message folders are messages: an entry whose name is not a spool id, a symbolic link,
/// anything that is not a directory, a folder where a file the spool uses is anything but a regular file, or one
/// without its envelope or content is <em>damaged</em> (<see cref="SpoolEntries"/>). Reading never follows such an
/// entry; the owner moves damaged entries of <c>active/</c> to <c>corrupt/</c> wherever it meets them
/// (<see cref="Recover"/>, <see cref="List"/>, <see cref="Ids"/>, <see cref="Open"/>) and raises
/// <see cref="Quarantined"/>. Names starting with a dot are left alone and never read.</para>
/// <para>Beside the areas: poller cursors in <c>{poller}/{key}.json</c>, the delivery ledger in <c>ledger/{key}.json</c>, and feature state in <c>{feature}.json</c>
/// (<see cref="DocumentFolder"/>), and the lock file <c>mailgate.lock</c>.</para>
/// </remarks>
public sealed partial class SpoolStore : IMessageStorage
{
    private readonly SpoolEntries _entries;
    private readonly SpoolCommit _commit;
    private readonly SpoolQuarantine _quarantine;
    private readonly SpoolAdministration _administration;
    private readonly SpoolHealth _health;
    private readonly DocumentFolder _features;
    private readonly GroupCommitter? _groupCommit;
    private readonly SpoolLock? _lock;
    private int _disposed;

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
        _entries = new SpoolEntries(Path.GetFullPath(root));
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

        _commit = new SpoolCommit(_entries, _groupCommit);
        _quarantine = new SpoolQuarantine(_entries, entry => Quarantined?.Invoke(this, entry), e => QuarantineFailed?.Invoke(this, e));
        _administration = new SpoolAdministration(this);
        _health = new SpoolHealth(_entries);
        _features = new DocumentFolder(Root);
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

    /// <summary>The spool's root folder.</summary>
    public string Root => _entries.Root;

    /// <summary>The spool's root folder.</summary>
    public string Location => Root;

    /// <summary>Whether this store owns the spool (holds its lock).</summary>
    public bool IsExclusive => _lock is not null;

    /// <summary>Whether commits are flushed in groups (see <see cref="GroupCommitter"/>).</summary>
    public bool GroupCommit => _groupCommit is not null;

    /// <summary>How many group flushes were made so far (0 without group commit).</summary>
    public long GroupCommitBatches => _groupCommit?.Batches ?? 0;

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

    /// <summary>Stops the group-commit thread and releases the spool's lock; once, however often it is called (a container disposes it once per role it was registered as).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _groupCommit?.Dispose();
        _lock?.Dispose();
    }

    /// <summary>Why the spool's lock no longer guards it (see <see cref="SpoolLock.Problem"/>); null while it does, or when not exclusive.</summary>
    public string? LockProblem() => _lock?.Problem();

    /// <summary>Bytes free for the spool on its file system.</summary>
    public long AvailableBytes() => new DriveInfo(Root).AvailableFreeSpace;

    /// <summary>The folder of <paramref name="area"/>.</summary>
    public string PathOf(SpoolArea area) => _entries.PathOf(area);

    /// <summary>
    /// Writes a message durably and moves it into the active area (<see cref="IMessageIntake.CommitAsync"/>):
    /// when this returns, the message survives a crash or power loss; when it throws, nothing was committed.
    /// </summary>
    public Task<SpooledMessage> CommitAsync(Envelope envelope, ReadOnlySequence<byte> data, CancellationToken cancellationToken) =>
        _commit.CommitAsync(envelope, data, cancellationToken);

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
    public SpoolScan Scan(SpoolArea area) => _entries.Scan(area);

    /// <summary>The newest <paramref name="count"/> entries of <paramref name="area"/>, oldest first (see <see cref="SpoolEntries.Scan(SpoolArea, int)"/>).</summary>
    public SpoolScan Scan(SpoolArea area, int count) => _entries.Scan(area, count);

    /// <summary>
    /// The ids in <paramref name="area"/>, oldest first, without reading any file: names only, so an id
    /// listed here may still be damaged (<see cref="Open"/> tells). An exclusive store moves entries of
    /// <c>active/</c> whose name is not a spool id to <c>corrupt/</c>.
    /// </summary>
    public IReadOnlyList<string> Ids(SpoolArea area)
    {
        var names = _entries.Names(area);
        QuarantineIfOwner(area, [.. names.Where(name => !SpoolIds.IsValid(name)).Select(name => new DamagedEntry(area, name, SpoolEntries.NotAnId))]);
        return [.. names.Where(SpoolIds.IsValid)];
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

        var entry = _entries.Inspect(area, id);
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
            if (_entries.Inspect(area, id).Message is { } message)
            {
                return (message, area);
            }
        }

        return null;
    }

    /// <summary>The message's processing state, or an empty state when none was written yet (<see cref="IMessageContent.ReadState"/>).</summary>
    public static ProcessingState ReadState(SpooledMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return StateFile.Read(message.Directory);
    }

    /// <summary>Replaces the message's processing state atomically and durably.</summary>
    public static void WriteState(SpooledMessage message, ProcessingState state)
    {
        ArgumentNullException.ThrowIfNull(message);
        StateFile.Write(message.Directory, state);
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
    /// Makes the spool consistent after a crash: deletes every entry of <c>incoming/</c> (never acknowledged,
    /// whatever it is: a folder, a file, a FIFO, a link — the link itself —, a readiness probe), and moves
    /// damaged entries of <c>active/</c> to <c>corrupt/</c>.
    /// </summary>
    /// <returns>What was cleaned up, for the log.</returns>
    public SpoolRecovery Recover()
    {
        var discarded = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(PathOf(SpoolArea.Incoming)))
        {
            SpoolCommit.TryDelete(entry);
            discarded++;
        }

        var corrupt = Scan(SpoolArea.Active).Damaged.Where(_quarantine.Move).Select(d => d.Name).ToArray();
        DirectorySync.Flush(PathOf(SpoolArea.Active));
        return new SpoolRecovery(discarded, corrupt);
    }

    /// <summary>The cursors of poller <paramref name="poller"/>, in <c>{spool}/{poller}/</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="poller"/> is not a storage name, or names an area.</exception>
    public ICursorDocuments Cursors(string poller) =>
        Enum.GetNames<SpoolArea>().Contains(StorageNames.CheckName(poller, nameof(poller)), StringComparer.OrdinalIgnoreCase)
            ? throw new ArgumentException($"'{poller}' is a spool area, not a poller's folder", nameof(poller))
            : new DocumentFolder(Path.Combine(Root, poller));

    /// <summary>Opens the content of one of this spool's messages (read-only, seekable).</summary>
    public Stream OpenContent(StoredMessage message) =>
        new FileStream(Spooled(message).MessagePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);

    /// <summary>An exclusive store sets the damaged entries of <c>active/</c> it meets aside.</summary>
    private void QuarantineIfOwner(SpoolArea area, IReadOnlyList<DamagedEntry> damaged)
    {
        if (_lock is null || area != SpoolArea.Active)
        {
            return;
        }

        foreach (var entry in damaged)
        {
            _quarantine.Move(entry);
        }
    }
}
