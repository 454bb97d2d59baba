namespace MailGate.HealthEvents;

/// <summary>
/// The AWS Health event poller (configuration section <c>Health</c>): Health's organizational view, read
/// with the base (management or delegated-administrator account) credentials. Off by default. Retries,
/// timeouts and credentials are <see cref="Poll.Aws.AwsOptions"/>'s (section <c>Aws</c>).
/// </summary>
public sealed class HealthOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Health";

    /// <summary>Poll Health's organizational view at all.</summary>
    public bool Enabled { get; set; }

    /// <summary>The region requests are signed for (SigV4 service <c>health</c>).</summary>
    /// <value><c>us-east-1</c>.</value>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The Health API endpoint.</summary>
    /// <value><c>https://health.us-east-1.amazonaws.com/</c>.</value>
    public Uri Endpoint { get; set; } = new("https://health.us-east-1.amazonaws.com/");

    /// <summary>How often the organizational view is read.</summary>
    /// <value>1 minute.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How far before the newest <c>lastUpdatedTime</c> already read each poll looks again; events already taken are recognised.</summary>
    /// <value>15 minutes.</value>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How far back the very first poll looks (no cursor yet).</summary>
    /// <value>7 days.</value>
    public TimeSpan InitialLookback { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The Health services asked for (the filter's <c>services</c>); empty: <c>ABUSE</c> and <c>RISK</c>.</summary>
    public IList<string> Services { get; } = new List<string>();

    /// <summary>The event type codes asked for (the filter's <c>eventTypeCodes</c>); empty: every type of <see cref="Services"/>.</summary>
    public IList<string> EventTypeCodes { get; } = new List<string>();

    /// <summary>Send a PagerDuty <c>resolve</c> when an event that was taken is seen <c>closed</c>. Off by default.</summary>
    public bool ResolveEvents { get; set; }

    /// <summary>The services to ask for: <see cref="Services"/>, or <c>ABUSE</c> and <c>RISK</c>.</summary>
    public IReadOnlyList<string> EffectiveServices => Services.Count > 0 ? [.. Services.Distinct(StringComparer.Ordinal)] : ["ABUSE", "RISK"];
}
