namespace MailGate.Core.Storage;

/// <summary>
/// Where a message stands in the storage; in the file spool each is a subfolder of the spool's root, in a
/// database it would be a status column.
/// </summary>
public enum SpoolArea
{
    /// <summary>Being written; never acknowledged, never seen as a message, emptied at recovery. Only the file spool has such leftovers (a database transaction is never half visible).</summary>
    Incoming,

    /// <summary>Committed (acknowledged with 250) and not yet finished: unfinished.</summary>
    Active,

    /// <summary>Finished: delivered, dry-run, or dropped by rules. The audit trail.</summary>
    Done,

    /// <summary>Could not be delivered (rejected by PagerDuty, too old, unparseable). Needs a person.</summary>
    Dead,

    /// <summary>Found damaged while unfinished (e.g. a half-written file, a damaged state); set aside, never processed.</summary>
    Corrupt,
}
