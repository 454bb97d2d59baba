namespace MailGate.Core.Storage;

/// <summary>A damaged entry that could not be moved to <c>corrupt/</c> (<see cref="IProcessingStore.QuarantineFailed"/>).</summary>
/// <param name="entry">The entry and what is wrong with it.</param>
/// <param name="error">Why it could not be moved.</param>
public sealed class QuarantineFailedEventArgs(DamagedEntry entry, string error) : EventArgs
{
    /// <summary>The entry and what is wrong with it.</summary>
    public DamagedEntry Entry { get; } = entry;

    /// <summary>Why it could not be moved, e.g. "Permission denied".</summary>
    public string Error { get; } = error;
}
