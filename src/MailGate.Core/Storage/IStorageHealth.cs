namespace MailGate.Core.Storage;

/// <summary>What readiness (<c>/readyz</c>), the free-space floor and metrics ask of the storage; and who owns it.</summary>
public interface IStorageHealth : IStorage
{
    /// <summary>Whether this object is an owner (the gateway: the file spool's lock is held); false for a shared view (the commands).</summary>
    bool IsOwner { get; }

    /// <summary>
    /// Why this owner no longer guards the storage as it believes (the file spool: its lock is on a folder
    /// that was replaced), or null while it does, and for a shared view.
    /// </summary>
    string? OwnershipProblem();

    /// <summary>
    /// Whether this owner may run the once-only role <paramref name="role"/> (a poller) now. With one owner
    /// (the file spool) the owner leads every role; with several, one at a time holds each role under a
    /// lease, taken over when its holder dies. False for a shared view.
    /// </summary>
    /// <param name="role">The role's name (<see cref="StorageNames.IsName"/>), e.g. <c>support-cases</c>.</param>
    bool TryLead(string role);

    /// <summary>Bytes free for new messages (the file spool: on its file system); <see cref="long.MaxValue"/> for a backend that does not know.</summary>
    /// <exception cref="IOException">It cannot be found out.</exception>
    long AvailableBytes();

    /// <summary>
    /// Does what a commit needs, on a probe that nothing ever sees as a message (the file spool: writes 4 KiB in
    /// <c>incoming/</c>, renames it into <c>active/</c>, deletes it): null when a commit would succeed now, else why not.
    /// </summary>
    string? ProbeCommit();

    /// <summary>How many entries <paramref name="area"/> holds, damaged ones included; null when that cannot be read now.</summary>
    int? Count(SpoolArea area);

    /// <summary>When the oldest unfinished message was received (from its id, no content read); null when none is unfinished.</summary>
    /// <exception cref="IOException">The storage cannot be read.</exception>
    DateTimeOffset? OldestUnfinished();
}
