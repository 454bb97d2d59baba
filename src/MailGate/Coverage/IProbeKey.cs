namespace MailGate.Coverage;

/// <summary>
/// The probe key, as the receiver of probes needs it (issue #15 contract between the sender and the receiver):
/// <see cref="Key"/> is null when coverage is off (then no mail is recognised as a probe).
/// </summary>
public interface IProbeKey
{
    /// <summary>The bytes of <c>Coverage:ProbeKey</c> (or the file's content), at least 16; null when coverage is off.</summary>
    ReadOnlyMemory<byte>? Key { get; }

    /// <summary>The longest a probe token stays valid after its send time: <c>Coverage:Deadline</c> plus <see cref="CoverageProbeKey.Margin"/>.</summary>
    TimeSpan MaxAge { get; }
}
