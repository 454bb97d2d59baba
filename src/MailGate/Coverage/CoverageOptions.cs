namespace MailGate.Coverage;

/// <summary>
/// Coverage probes (configuration section <c>Coverage</c>, issue #15): one probe mail per account every
/// <see cref="Interval"/> to its root address through an outbound SMTP relay, and a page when it does not come
/// back within <see cref="Deadline"/>. Off by default. The one options class of the section: the probe sender, the
/// receiver's key (<see cref="CoverageProbeKey"/>), the silence alarm and the coverage views all read it.
/// </summary>
public sealed class CoverageOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Coverage";

    /// <summary>Send probes and check their deadlines at all (this replica, while it leads the role <c>coverage</c>).</summary>
    public bool Enabled { get; set; }

    /// <summary>How often each account is probed; the accounts' probes are spread over it (a fixed phase per account).</summary>
    /// <value>24 hours.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a probe may take to come back before its account is <c>missing</c> (and paged).</summary>
    /// <value>2 hours.</value>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How often the leader looks for probes that are due and deadlines that passed.</summary>
    /// <value>1 minute.</value>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>After a round whose probe the relay did not take, how long until the account's next round.</summary>
    /// <value>1 hour.</value>
    public TimeSpan SendRetryInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The probes' <c>From</c> (and SMTP <c>MAIL FROM</c>) address. Required when enabled.</summary>
    public string From { get; set; } = "";

    /// <summary>The key the probe tokens' HMAC-SHA256 is made with (UTF-8, at least 16 bytes); set it from the environment (<c>MAILGATE_Coverage__ProbeKey</c>). Required when enabled (or <see cref="ProbeKeyFile"/>).</summary>
    public string ProbeKey { get; set; } = "";

    /// <summary>A file holding the probe key (surrounding white space ignored), e.g. a mounted secret; read at start-up. Used when <see cref="ProbeKey"/> is empty.</summary>
    public string ProbeKeyFile { get; set; } = "";

    /// <summary>Also probe every <c>ACTIVE</c> account AWS Organizations lists (its root email), with the <c>Aws</c> section's credentials (<c>organizations:ListAccounts</c>).</summary>
    public bool Organization { get; set; }

    /// <summary>Send rounds in a row the relay must refuse before <c>send_failed</c> pages.</summary>
    /// <value>3.</value>
    public int SendFailuresBeforePage { get; set; } = 3;

    /// <summary>The silence alarm's default with coverage probes on.</summary>
    public static readonly TimeSpan DefaultSilenceAlarm = TimeSpan.FromHours(48);

    /// <summary>
    /// Page when no mail at all has arrived for this long (the silence alarm, on the rules file's <c>coverage:</c> route).
    /// Unset: <see cref="DefaultSilenceAlarm"/> (48 hours) when <see cref="Enabled"/>, else off. Set to a duration: on, with
    /// or without probes. <c>00:00:00</c>: off.
    /// </summary>
    public TimeSpan? SilenceAlarm { get; set; }

    /// <summary>The silence alarm in force, or null when it is off (see <see cref="SilenceAlarm"/>).</summary>
    public TimeSpan? EffectiveSilenceAlarm => SilenceAlarm is { } set ? (set > TimeSpan.Zero ? set : null) : Enabled ? DefaultSilenceAlarm : null;

    /// <summary>The outbound SMTP relay the probes go through.</summary>
    public CoverageRelayOptions Relay { get; set; } = new();
}

/// <summary>The outbound SMTP relay probes are sent through (<c>Coverage:Relay</c>).</summary>
public sealed class CoverageRelayOptions
{
    /// <summary>The relay's host name or address. Required when coverage is enabled.</summary>
    public string Host { get; set; } = "";

    /// <summary>The relay's port.</summary>
    /// <value>587 (submission).</value>
    public int Port { get; set; } = 587;

    /// <summary><c>auto</c> (STARTTLS when offered), <c>always</c> (STARTTLS required) or <c>never</c>.</summary>
    /// <value><c>auto</c>.</value>
    public string StartTls { get; set; } = "auto";

    /// <summary>The user name to authenticate with; empty: no authentication.</summary>
    public string Username { get; set; } = "";

    /// <summary>The password; set it from the environment (<c>MAILGATE_Coverage__Relay__Password</c>). Used when <see cref="PasswordFile"/> is empty.</summary>
    public string Password { get; set; } = "";

    /// <summary>A file holding the password (surrounding white space ignored), e.g. a mounted secret.</summary>
    public string PasswordFile { get; set; } = "";

    /// <summary>The time limit of one attempt: connect, STARTTLS, authenticate and send.</summary>
    /// <value>1 minute.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts of one probe in a round, in all (a temporary refusal or a network error is tried again, unless the relay had the probe's content and did not answer).</summary>
    /// <value>3.</value>
    public int Attempts { get; set; } = 3;

    /// <summary>The wait between attempts.</summary>
    /// <value>10 seconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);
}
