namespace MailGate.Core.Storage;

/// <summary>What <see cref="IProcessingStore.Recover"/> cleaned up.</summary>
/// <param name="DiscardedIncoming">Leftovers of commits that never completed (never acknowledged), removed.</param>
/// <param name="Corrupt">Ids (names) of damaged unfinished entries set aside in <see cref="SpoolArea.Corrupt"/>.</param>
public sealed record SpoolRecovery(int DiscardedIncoming, IReadOnlyList<string> Corrupt);
