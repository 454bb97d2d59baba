namespace MailGate.Coverage;

/// <summary>
/// The probe key the receiver verifies coverage probes with (issue #15). Implemented and registered from
/// <c>Coverage:*</c> options by the coverage sender's registration; without a registration, or with a null
/// <see cref="Key"/>, no mail is recognised as a probe at all (coverage is off).
/// </summary>
public interface IProbeKey
{
    /// <summary>The key's bytes (<c>Coverage:ProbeKey</c> or <c>Coverage:ProbeKeyFile</c>; at least 16); null when coverage is off.</summary>
    ReadOnlyMemory<byte>? Key { get; }

    /// <summary>How old a probe's token may be when it is accepted: <c>Coverage:Deadline</c> plus a margin. Older ones are <c>expired</c>.</summary>
    TimeSpan MaxAge { get; }
}
