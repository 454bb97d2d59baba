namespace MailGate.Heartbeat;

/// <summary>
/// The heartbeat out (configuration section <c>Heartbeat</c>, issue #15): while the gateway is healthy, a request
/// to a dead-man's-switch monitor (healthchecks.io, Dead Man's Snitch, Cronitor, Better Uptime) every
/// <see cref="Interval"/>; the monitor pages when the requests stop. Off while <see cref="Url"/> is unset.
/// </summary>
public sealed class HeartbeatOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Heartbeat";

    /// <summary>The monitor's URL (https; http only to a loopback address). It is a secret: logs show only its scheme and host.</summary>
    public Uri? Url { get; set; }

    /// <summary>How often it is requested while healthy.</summary>
    /// <value>1 minute.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one request may take.</summary>
    /// <value>10 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>GET</c> or <c>POST</c> (an empty body).</summary>
    /// <value><c>GET</c>.</value>
    public string Method { get; set; } = "GET";
}
