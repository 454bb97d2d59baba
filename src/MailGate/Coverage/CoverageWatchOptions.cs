namespace MailGate.Coverage;

/// <summary>
/// The settings of section <c>Coverage</c> the silence alarm and the coverage views read (issue #15). The same
/// section's probe settings (relay, probe key, interval) are the probe sender's; both bind the one section.
/// </summary>
public sealed class CoverageWatchOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Coverage";

    /// <summary>The silence alarm's default with coverage probes on.</summary>
    public static readonly TimeSpan DefaultSilenceAlarm = TimeSpan.FromHours(48);

    /// <summary>Coverage probes on (off by default); also turns the silence alarm on at its default.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long a probe may take before its account is <c>missing</c>.</summary>
    /// <value>2 hours.</value>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Page when no mail at all has arrived for this long. Unset: 48 hours when <see cref="Enabled"/>, else off.
    /// Set to a duration: on, with or without probes. <c>00:00:00</c>: off.
    /// </summary>
    public TimeSpan? SilenceAlarm { get; set; }

    /// <summary>The silence alarm in force, or null when it is off (see <see cref="SilenceAlarm"/>).</summary>
    public TimeSpan? EffectiveSilenceAlarm => SilenceAlarm is { } set ? (set > TimeSpan.Zero ? set : null) : Enabled ? DefaultSilenceAlarm : null;
}
