
using MailGate.Core.Storage;

namespace MailGate.Process;

/// <summary>Raised when a message leaves the active spool, for observers such as metrics and tests.</summary>
public sealed class ProcessingEvents
{
    /// <summary>A message finished: it is now in <see cref="MessageFinishedEventArgs.Area"/> (done or dead).</summary>
    public event EventHandler<MessageFinishedEventArgs>? MessageFinished;

    /// <summary>Verification of a message hit a temporary DNS failure; it stays undecided and is tried again.</summary>
    public event EventHandler<string>? VerificationDeferred;

    /// <summary>A scan of the active area ended (every <c>Spool:ScanInterval</c>).</summary>
    public event EventHandler? Scanned;

    /// <summary>This gateway lost its claim on a message (another replica took it over) and dropped it.</summary>
    public event EventHandler<string>? LeaseLost;

    /// <summary>A renewal of the leases ended (every third of <c>Spool:LeaseDuration</c>), whatever its outcome.</summary>
    public event EventHandler? LeasesRenewed;

    internal void OnLeaseLost(string spoolId) => LeaseLost?.Invoke(this, spoolId);

    internal void OnLeasesRenewed() => LeasesRenewed?.Invoke(this, EventArgs.Empty);

    internal void OnDeferred(string spoolId) => VerificationDeferred?.Invoke(this, spoolId);

    internal void OnScanned() => Scanned?.Invoke(this, EventArgs.Empty);

    internal void OnFinished(string spoolId, SpoolArea area) =>
        MessageFinished?.Invoke(this, new MessageFinishedEventArgs(spoolId, area));
}

/// <summary>Which message finished, and where it went.</summary>
public sealed class MessageFinishedEventArgs(string spoolId, SpoolArea area) : EventArgs
{
    /// <summary>The message's spool id.</summary>
    public string SpoolId { get; } = spoolId;

    /// <summary><see cref="SpoolArea.Done"/> or <see cref="SpoolArea.Dead"/>.</summary>
    public SpoolArea Area { get; } = area;
}
