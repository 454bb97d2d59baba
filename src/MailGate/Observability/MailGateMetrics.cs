using MailGate.Core.Storage;
using System.Diagnostics.Metrics;
using System.Globalization;
using MailGate.Spool;

namespace MailGate.Observability;

/// <summary>
/// Every metric the gateway publishes, on one <see cref="Meter"/> named <c>MailGate</c>. Exposed at
/// <c>/metrics</c> in Prometheus text by OpenTelemetry (dots become underscores, counters gain
/// <c>_total</c>, units become suffixes: <c>mailgate.delivery.latency</c> in seconds is
/// <c>mailgate_delivery_latency_seconds</c>). The instruments over a feature's state (the spool's depth, the
/// rules in force, the circuit breaker, the support poller's accounts) are that feature's
/// <see cref="IMetricsSource"/>, created on this meter here; this class knows no feature.
/// </summary>
internal sealed class MailGateMetrics : IDisposable
{
    /// <summary>The meter's name, for exporters.</summary>
    public const string MeterName = "MailGate";

    private static readonly double[] LatencyBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400];

    private readonly Meter _meter;
    private readonly Counter<long> _received;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _rejected;
    private readonly UpDownCounter<long> _sessions;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _ruleMatches;
    private readonly Counter<long> _ruleErrors;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _deadLetters;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _untrusted;
    private readonly Counter<long> _supportPolls;
    private readonly Counter<long> _verificationDeferred;
    private readonly Counter<long> _keyFetches;
    private readonly Counter<long> _stateWriteFailures;
    private readonly Counter<long> _untrustedCircuitOpened;
    private readonly Counter<long> _supportCases;

    /// <summary>Creates the instruments, then each feature's (<paramref name="sources"/>, in their order) on the same meter.</summary>
    public MailGateMetrics(IMeterFactory meters, IEnumerable<IMetricsSource> sources)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(sources);
        _meter = meters.Create(MeterName);
        _received = _meter.CreateCounter<long>("mailgate.smtp.messages.received", "{message}", "Messages accepted with 250 (on disk)");
        _bytesReceived = _meter.CreateCounter<long>("mailgate.smtp.received", "By", "Bytes of accepted messages");
        _rejected = _meter.CreateCounter<long>("mailgate.smtp.messages.rejected", "{message}", "Messages or recipients refused, by reply code class and reason");
        _sessions = _meter.CreateUpDownCounter<long>("mailgate.smtp.sessions.active", "{session}", "Open SMTP sessions");
        _decisions = _meter.CreateCounter<long>("mailgate.rules.decisions", "{message}", "Rule decisions by action (page, drop, error, unparseable)");
        _ruleMatches = _meter.CreateCounter<long>("mailgate.rules.matches", "{match}", "Matches per rule");
        _ruleErrors = _meter.CreateCounter<long>("mailgate.rules.errors", "{error}", "Rules that could not be evaluated completely, by rule and reason (regex_timeout)");
        _attempts = _meter.CreateCounter<long>("mailgate.pagerduty.attempts", "{request}", "POSTs to PagerDuty by result");
        _deliveries = _meter.CreateCounter<long>("mailgate.pagerduty.deliveries", "{event}", "Events finished, by outcome");
        _retries = _meter.CreateCounter<long>("mailgate.pagerduty.retries", "{retry}", "Retries scheduled after a failed POST");
        _deadLetters = _meter.CreateCounter<long>("mailgate.messages.dead_lettered", "{message}", "Messages moved to the dead-letter area");
        _latency = _meter.CreateHistogram(
            "mailgate.delivery.latency",
            "s",
            "From the 250 to PagerDuty's 202",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _untrusted = _meter.CreateCounter<long>("mailgate.rules.untrusted", "{match}", "Matches of trust-required rules on unverified mail, by outcome (paged, rate_limited (per sender), rate_limited_client (per client network), rate_limited_global, dropped)");
        _verificationDeferred = _meter.CreateCounter<long>("mailgate.verification.deferred", "{message}", "Decisions deferred because verification hit a temporary DNS failure");
        _keyFetches = _meter.CreateCounter<long>("mailgate.verification.key_fetches", "{message}", "Key lookups for one message, off the decision path, by result (complete, timeout: over Trust:VerificationTimeout)");
        _stateWriteFailures = _meter.CreateCounter<long>("mailgate.spool.state_write_failures", "{write}", "Writes of state.json or moves to done/dead that failed (kept in memory and retried)");
        _untrustedCircuitOpened = _meter.CreateCounter<long>("mailgate.pagerduty.untrusted_circuit.opened", "{event}", "Times the circuit breaker of untrusted events opened");
        _supportPolls = _meter.CreateCounter<long>("mailgate.support.polls", "{poll}", "AWS Support polls by account and result (ok, assume_role_failed, subscription_required, throttled, access_denied, error); account \"organizations\" for the account listing");
        _supportCases = _meter.CreateCounter<long>("mailgate.support.cases.found", "{case}", "New AWS Support cases spooled, by account");
        foreach (var source in sources)
        {
            source.Register(_meter);
        }
    }

    public void MessageAccepted(long bytes)
    {
        _received.Add(1);
        _bytesReceived.Add(bytes);
    }

    public void MessageRejected(int replyCode, string reason) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("code_class", $"{replyCode / 100}xx"), new KeyValuePair<string, object?>("reason", reason));

    public void SessionOpened() => _sessions.Add(1);

    public void SessionClosed() => _sessions.Add(-1);

    public void Decided(string action) => _decisions.Add(1, new KeyValuePair<string, object?>("action", action));

    public void Untrusted(string outcome) => _untrusted.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void VerificationDeferred() => _verificationDeferred.Add(1);

    public void KeyFetch(string result) => _keyFetches.Add(1, new KeyValuePair<string, object?>("result", result));

    public void StateWriteFailed() => _stateWriteFailures.Add(1);

    public void UntrustedCircuitOpened() => _untrustedCircuitOpened.Add(1);

    public void RuleMatched(string rule) => _ruleMatches.Add(1, new KeyValuePair<string, object?>("rule", rule));

    public void RuleFailed(string rule, string reason) =>
        _ruleErrors.Add(1, new KeyValuePair<string, object?>("rule", rule), new KeyValuePair<string, object?>("reason", reason));

    public void Attempted(int status) =>
        _attempts.Add(1, new KeyValuePair<string, object?>("status", status == 0 ? "none" : status.ToString(CultureInfo.InvariantCulture)));

    public void RetryScheduled() => _retries.Add(1);

    public void DeliveryFinished(DeliveryStatus status) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", status.ToString().ToLowerInvariant()));

    public void Delivered(TimeSpan sinceAccepted) => _latency.Record(sinceAccepted.TotalSeconds);

    public void DeadLettered() => _deadLetters.Add(1);

    public void SupportPoll(string account, string result) =>
        _supportPolls.Add(1, new KeyValuePair<string, object?>("account", account), new KeyValuePair<string, object?>("result", result));

    public void SupportCasesFound(string account, int count)
    {
        if (count > 0)
        {
            _supportCases.Add(count, new KeyValuePair<string, object?>("account", account));
        }
    }

    public void Dispose() => _meter.Dispose();
}
