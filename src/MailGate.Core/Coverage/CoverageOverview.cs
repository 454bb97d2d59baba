
namespace MailGate.Core.Coverage;

/// <summary>
/// Everything coverage knows, as <c>mailgate coverage</c>, <c>GET /coverage</c>, the status page and the metrics
/// show it: each account's state (<see cref="CoverageStates.Evaluate"/>) and when mail last arrived, overall and
/// per List-Id.
/// </summary>
/// <param name="GeneratedAt">When it was read.</param>
/// <param name="Deadline">How long a probe may take (<c>Coverage:Deadline</c>).</param>
/// <param name="Accounts">One row per account that has a <c>sent-</c> or <c>arrived-</c> document, by account id.</param>
/// <param name="Silence">When mail last arrived.</param>
public sealed record CoverageOverview(DateTimeOffset GeneratedAt, TimeSpan Deadline, IReadOnlyList<AccountCoverage> Accounts, SilenceOverview Silence)
{
    /// <summary>
    /// When the one relay alert (<c>send_failed</c> for all accounts, dedup key <see cref="CoverageAlert.RelayKey"/>) was
    /// raised, while it is open (document <see cref="CoverageDocuments.RelayAlarmKey"/>); null when none is open (or the
    /// document is absent or damaged).
    /// </summary>
    public DateTimeOffset? RelayAlertOpenSince { get; init; }

    /// <summary>How many accounts are in each state (every state named, zero included), by <see cref="CoverageStates.Name"/>.</summary>
    public IReadOnlyDictionary<string, int> Counts() =>
        Enum.GetValues<CoverageState>().ToDictionary(CoverageStates.Name, s => Accounts.Count(a => a.State == CoverageStates.Name(s)), StringComparer.Ordinal);
}

/// <summary>One account's coverage.</summary>
/// <param name="AccountId">The 12-digit account id.</param>
/// <param name="AccountName">Its name, when known.</param>
/// <param name="RootAddress">The root address probes go to (empty when only an arrival is known).</param>
/// <param name="State"><c>ok</c>, <c>missing</c>, <c>send_failed</c> or <c>pending</c>.</param>
/// <param name="LastSentAt">When the newest probe was handed to the relay.</param>
/// <param name="LastArrivalAt">When the newest valid probe arrived.</param>
/// <param name="LatencySeconds">That probe's latency (arrival − send), in seconds.</param>
/// <param name="ListIds">The List-Ids it carried, outermost first: the path it took.</param>
/// <param name="Recipients">The SMTP recipients it was accepted for.</param>
/// <param name="OriginalTo">Its <c>X-Original-To</c>, when present.</param>
/// <param name="ArcVerified">Whether Google's ARC seal verified on it.</param>
/// <param name="FailedRounds">Send rounds in a row the relay did not take.</param>
/// <param name="LastError">The newest send failure.</param>
/// <param name="OpenAlert">The alert open in PagerDuty for it (<c>missing</c>, <c>send_failed</c>), or null.</param>
public sealed record AccountCoverage(
    string AccountId,
    string AccountName,
    string RootAddress,
    string State,
    DateTimeOffset? LastSentAt,
    DateTimeOffset? LastArrivalAt,
    double? LatencySeconds,
    IReadOnlyList<string> ListIds,
    IReadOnlyList<string> Recipients,
    string? OriginalTo,
    bool ArcVerified,
    int FailedRounds,
    string? LastError,
    string? OpenAlert)
{
    /// <summary>The path as one line: the List-Ids, then the recipients and <c>X-Original-To</c>; empty when nothing arrived.</summary>
    public string Path => string.Join(" → ", ListIds.Concat(Recipients.Select(r => "rcpt " + r)).Concat(OriginalTo is null ? [] : ["x-original-to " + OriginalTo]));
}

/// <summary>When mail last arrived, overall and per group.</summary>
/// <param name="LastReceivedAt">The newest mail any replica accepted over SMTP; null when none was recorded.</param>
/// <param name="AlarmAfter">How long without mail pages (<c>Coverage:SilenceAlarm</c>); null when the alarm is off.</param>
/// <param name="AlarmOpenSince">When the open silence alert was raised; null when none is open.</param>
/// <param name="Groups">Per List-Id, most recently silent first (oldest arrival first).</param>
public sealed record SilenceOverview(DateTimeOffset? LastReceivedAt, TimeSpan? AlarmAfter, DateTimeOffset? AlarmOpenSince, IReadOnlyList<GroupSilence> Groups);

/// <summary>When mail last arrived through one group.</summary>
/// <param name="ListId">The List-Id.</param>
/// <param name="LastReceivedAt">When its newest mail was accepted.</param>
/// <param name="SilentSeconds">Seconds since then, when the overview was read.</param>
public sealed record GroupSilence(string ListId, DateTimeOffset LastReceivedAt, double SilentSeconds);

/// <summary>Builds a <see cref="CoverageOverview"/> from the stored documents (pure: the reads are the caller's).</summary>
public static class CoverageOverviews
{
    /// <summary>Reads the two stores' documents and evaluates each account.</summary>
    /// <param name="coverageKeys">The keys of the store <see cref="CoverageDocuments.Store"/>.</param>
    /// <param name="readCoverage">Reads one of them (null when absent).</param>
    /// <param name="silenceKeys">The keys of the store <see cref="MailSilence.Store"/>.</param>
    /// <param name="readSilence">Reads one of them.</param>
    /// <param name="now">Now.</param>
    /// <param name="deadline"><c>Coverage:Deadline</c>.</param>
    /// <param name="silenceAlarm"><c>Coverage:SilenceAlarm</c> when the alarm is on, else null.</param>
    /// <returns>The overview; a document that cannot be read as JSON is skipped (its account is shown from the other document).</returns>
    public static CoverageOverview Build(
        IEnumerable<string> coverageKeys,
        Func<string, byte[]?> readCoverage,
        IEnumerable<string> silenceKeys,
        Func<string, byte[]?> readSilence,
        DateTimeOffset now,
        TimeSpan deadline,
        TimeSpan? silenceAlarm)
    {
        ArgumentNullException.ThrowIfNull(coverageKeys);
        ArgumentNullException.ThrowIfNull(readCoverage);
        ArgumentNullException.ThrowIfNull(silenceKeys);
        ArgumentNullException.ThrowIfNull(readSilence);
        var accounts = coverageKeys
            .Select(AccountOf)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(id => Account(id, Document<ProbeSent>(readCoverage, CoverageDocuments.SentKey(id)), Document<ProbeArrival>(readCoverage, CoverageDocuments.ArrivedKey(id)), now, deadline))
            .ToArray();

        var keys = silenceKeys.ToArray();
        var all = keys.Contains(MailSilence.AllKey) ? Document<LastReceived>(readSilence, MailSilence.AllKey) : null;
        var alarm = keys.Contains(MailSilence.AlarmKey) ? Document<SilenceAlarmState>(readSilence, MailSilence.AlarmKey) : null;
        var groups = keys
            .Where(k => k.StartsWith(MailSilence.ListPrefix, StringComparison.Ordinal))
            .Select(k => Document<LastReceived>(readSilence, k))
            .OfType<LastReceived>()
            .Where(g => g.ListId is not null)
            .Select(g => new GroupSilence(g.ListId!, g.ReceivedAt, Math.Max(0, (now - g.ReceivedAt).TotalSeconds)))
            .OrderBy(g => g.LastReceivedAt)
            .ThenBy(g => g.ListId, StringComparer.Ordinal)
            .ToArray();
        var relay = Document<RelayAlarmState>(readCoverage, CoverageDocuments.RelayAlarmKey);
        return new CoverageOverview(now, deadline, accounts, new SilenceOverview(all?.ReceivedAt, silenceAlarm, alarm?.OpenSince, groups))
        {
            RelayAlertOpenSince = relay is { Open: true } ? relay.Since ?? now : null,
        };
    }

    /// <summary>The account id a coverage key names (<c>sent-{id}</c>, <c>arrived-{id}</c>), or null.</summary>
    public static string? AccountOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var id = key.StartsWith("sent-", StringComparison.Ordinal) ? key[5..]
            : key.StartsWith("arrived-", StringComparison.Ordinal) ? key[8..]
            : null;
        return id is { Length: 12 } && id.All(char.IsAsciiDigit) ? id : null;
    }

    private static AccountCoverage Account(string id, ProbeSent? sent, ProbeArrival? arrival, DateTimeOffset now, TimeSpan deadline) => new(
        id,
        sent?.AccountName is { Length: > 0 } name ? name : "",
        sent?.RootAddress ?? "",
        CoverageStates.Name(CoverageStates.Evaluate(sent, arrival, now, deadline)),
        sent?.SentAt,
        arrival?.ArrivedAt,
        arrival is null ? null : Math.Round(arrival.Latency.TotalSeconds, 3),
        arrival?.ListIds ?? [],
        arrival?.Recipients ?? [],
        arrival?.OriginalTo,
        arrival?.ArcVerified ?? false,
        sent?.FailedRounds ?? 0,
        sent?.LastError,
        sent?.OpenAlert);

    private static T? Document<T>(Func<string, byte[]?> read, string key)
        where T : class => CoverageDocuments.ReadOrReplace<T>(read(key), out _);
}
