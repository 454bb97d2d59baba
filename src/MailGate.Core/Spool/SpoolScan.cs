
using MailGate.Core.Storage;

namespace MailGate.Core.Spool;

/// <summary>What one look at an area found (<see cref="SpoolStore.Scan"/>).</summary>
/// <param name="Messages">The message folders, oldest first.</param>
/// <param name="Damaged">The entries that are not message folders of the expected shape.</param>
public sealed record SpoolScan(IReadOnlyList<SpooledMessage> Messages, IReadOnlyList<DamagedEntry> Damaged);
