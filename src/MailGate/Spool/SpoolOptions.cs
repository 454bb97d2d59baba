using MailGate.Core.Spool;

namespace MailGate.Spool;

/// <summary>The message spool (configuration section <c>Spool</c>).</summary>
public sealed class SpoolOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Spool";

    /// <summary>The spool's folder, relative to the working directory unless absolute (file backend).</summary>
    /// <value><c>data/spool</c>; <c>/var/lib/mailgate/spool</c> (a volume) in the container.</value>
    public string Path { get; set; } = "data/spool";

    /// <summary>The file spool's <see cref="Backend"/> name.</summary>
    public const string FileBackend = "file";

    /// <summary>The PostgreSQL backend's <see cref="Backend"/> name (issue #14; one or more replicas: docs/replicas.md).</summary>
    public const string PostgresBackend = "postgres";

    /// <summary>
    /// Where messages are stored: <c>file</c> (the spool folder <see cref="Path"/>) or <c>postgres</c> (the database
    /// named by <see cref="ConnectionString"/>; one or more replicas share it).
    /// </summary>
    /// <value><c>file</c>.</value>
    public string Backend { get; set; } = FileBackend;

    /// <summary>
    /// The PostgreSQL database for <c>Spool:Backend: postgres</c>, in Npgsql's syntax
    /// (<c>Host=db;Port=5432;Database=mailgate;Username=mailgate</c>). Never logged. The password may stay out of it:
    /// set the whole value from the environment (<c>Spool__ConnectionString</c>), or let Npgsql read
    /// <c>PGPASSWORD</c> or a <c>PGPASSFILE</c>.
    /// </summary>
    /// <value>empty.</value>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// How long a replica's claim on a message lasts without renewal before another may take the message over
    /// (PostgreSQL backend only).
    /// </summary>
    /// <value>30 seconds.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the delivery ledger remembers that PagerDuty accepted an email's trigger: another copy of the same
    /// email (same rule, same Message-ID or content) within this time is recorded as a duplicate and not sent; after
    /// it, a copy triggers again. Entries older are swept hourly. At least one minute.
    /// </summary>
    /// <value>30 days.</value>
    public TimeSpan LedgerRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Flush concurrent messages to disk together (two <c>syncfs</c> calls per batch instead of four
    /// fsyncs per message; Linux only). The spool should then have a volume of its own, since
    /// <c>syncfs</c> flushes everything written to that volume. False: flush file by file.
    /// </summary>
    /// <value>true.</value>
    public bool GroupCommit { get; set; } = true;

    /// <summary>
    /// The free space, in bytes, below which new mail is refused with <c>452 4.3.1</c> (senders retry
    /// later) while mail already accepted keeps being delivered. Keep it above the largest message.
    /// </summary>
    /// <value>104,857,600 (100 MiB).</value>
    public long MinFreeBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// How often the active area is listed for messages nobody is working on: re-queued by
    /// <c>mailgate spool retry</c>, or left behind by an unexpected error.
    /// </summary>
    /// <value>10 seconds.</value>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(10);
}
