namespace MailGate.Spool;

/// <summary>The folders a message moves through, each a subfolder of the spool root.</summary>
public enum SpoolArea
{
    /// <summary>Being written; never acknowledged. Emptied at start-up.</summary>
    Incoming,

    /// <summary>Acknowledged with 250 and not yet finished.</summary>
    Active,

    /// <summary>Finished: delivered, dry-run, or dropped by rules. The audit trail.</summary>
    Done,

    /// <summary>Could not be delivered (rejected by PagerDuty, too old, unparseable). Needs a person.</summary>
    Dead,

    /// <summary>Found damaged in the active area (e.g. a half-written file); moved aside, never processed.</summary>
    Corrupt,
}
