namespace MailGate.Core.Coverage;

/// <summary>
/// An alert coverage raises (the content of a spooled <c>CoverageOrigin</c> record, as JSON through
/// <see cref="CoverageDocuments.Write{T}"/>): paged as one PagerDuty event on the rules file's <c>coverage:</c>
/// route and severity, with <see cref="DedupKey"/> so alerts in a row for one subject stay one incident, and
/// a <c>resolve</c> with the same key closes it.
/// </summary>
public sealed record CoverageAlert
{
    /// <summary>What went wrong: <c>missing</c>, <c>send_failed</c> or <c>silence</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>True for the <c>resolve</c> of the open alert with the same <see cref="DedupKey"/>.</summary>
    public bool Resolve { get; init; }

    /// <summary>The PagerDuty <c>dedup_key</c>: <c>mailgate-coverage-{account}</c> (missing), <c>mailgate-coverage-relay</c> (send_failed), or <c>mailgate-coverage-silence</c>.</summary>
    public required string DedupKey { get; init; }

    /// <summary>The incident's summary (at most 1,024 characters are sent), naming the account and what was last seen.</summary>
    public required string Summary { get; init; }

    /// <summary>The 12-digit account id, or empty for silence.</summary>
    public string AccountId { get; init; } = "";

    /// <summary>The account's name, when known.</summary>
    public string AccountName { get; init; } = "";

    /// <summary>The account's root address, when known.</summary>
    public string RootAddress { get; init; } = "";

    /// <summary>When the alert was raised.</summary>
    public required DateTimeOffset RaisedAt { get; init; }

    /// <summary>The dedup key of an account's alert.</summary>
    public static string AccountKey(string accountId) => "mailgate-coverage-" + accountId;

    /// <summary>
    /// The dedup key of the one alert for probes the relay does not take (<c>send_failed</c>): one incident however many
    /// accounts fail, since a relay that is down fails them all (a per-account key would page once per account).
    /// </summary>
    public const string RelayKey = "mailgate-coverage-relay";

    /// <summary>The dedup key of the overall silence alarm.</summary>
    public const string SilenceKey = "mailgate-coverage-silence";
}
