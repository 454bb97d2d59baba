namespace MailGate.Poll;

/// <summary>
/// The AWS Support case poller (configuration section <c>SupportCases</c>). Off by default; AWS
/// endpoints, the member-account role and retries are in <see cref="Aws.AwsOptions"/> (section <c>Aws</c>).
/// </summary>
public sealed class SupportCaseOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "SupportCases";

    /// <summary>Poll AWS Support at all. Needs AWS credentials of the Organization's management account (or a delegated administrator).</summary>
    public bool Enabled { get; set; }

    /// <summary>How often every account is polled.</summary>
    /// <value>1 minute.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the account list is read again from AWS Organizations.</summary>
    /// <value>1 hour.</value>
    public TimeSpan AccountRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The Support API languages to list cases in: it files each case under one language.</summary>
    /// <value><c>en</c> and <c>ja</c>.</value>
    public IList<string> Languages { get; } = new List<string>();

    /// <summary>Accounts polled at once.</summary>
    /// <value>4.</value>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Each account's poll starts after a random delay up to this, so that hundreds of accounts don't hit AWS in the same second.</summary>
    /// <value>5 seconds.</value>
    public TimeSpan Jitter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How far before the newest case already seen each poll looks again (cases can appear in the API
    /// a little after their creation time); cases already seen are recognised and skipped.
    /// </summary>
    /// <value>15 minutes.</value>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How far back the very first poll of an account looks (there is no cursor yet).</summary>
    /// <value>24 hours.</value>
    public TimeSpan InitialLookback { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Only these account ids are polled (empty: every active account).</summary>
    public IList<string> Accounts { get; } = new List<string>();

    /// <summary>These account ids are never polled.</summary>
    public IList<string> ExcludeAccounts { get; } = new List<string>();

    /// <summary>
    /// Send a PagerDuty <c>resolve</c> event when a later poll sees a case that paged resolved. Off by
    /// default: the incident stays open until a human resolves it.
    /// </summary>
    public bool ResolveEvents { get; set; }

    /// <summary>Where cursors live; empty for <c>{Spool:Path}/support-cases</c>.</summary>
    public string StatePath { get; set; } = "";

    /// <summary>The languages to poll: <see cref="Languages"/>, or <c>en</c> and <c>ja</c> when none is configured.</summary>
    public IReadOnlyList<string> EffectiveLanguages => Languages.Count > 0 ? [.. Languages.Distinct(StringComparer.Ordinal)] : ["en", "ja"];
}
