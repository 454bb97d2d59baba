using System.Diagnostics.Metrics;
using MailGate.Observability;
using MailGate.Poll;
using MailGate.Poll.Aws;

namespace MailGate.HealthEvents;

/// <summary>The Health poller's state, for <c>/readyz</c>'s details and the metrics; thread-safe.</summary>
public sealed class HealthPollStatus
{
    /// <summary>The state of an organizational view that is not enabled (<c>EnableHealthServiceAccessForOrganization</c>).</summary>
    public const string OrganizationViewNotEnabled = "organization_view_not_enabled";

    private readonly Lock _lock = new();

    /// <summary>Whether <c>Health:Enabled</c>.</summary>
    public bool Enabled { get; init; }

    /// <summary><c>ok</c>, <c>pending</c>, <c>subscription_required</c>, <c>organization_view_not_enabled</c>, <c>throttled</c>, <c>access_denied</c>, <c>no_credentials</c> or <c>error</c>.</summary>
    public string State { get; private set; } = PollErrorPolicy.Pending;

    /// <summary>The last failure as an operator reads it; null after a success.</summary>
    public string? Error { get; private set; }

    /// <summary>When the last poll completed.</summary>
    public DateTimeOffset? LastSuccess { get; private set; }

    /// <summary>Polls completed since start.</summary>
    public long CompletedPolls { get; private set; }

    /// <summary>(event, account) pairs spooled since start (triggers and resolves).</summary>
    public long Spooled { get; private set; }

    /// <summary>Polls attempted since start, completed or failed.</summary>
    public long Attempts { get; private set; }

    /// <summary>Raised after each poll, completed or failed, with <see cref="Attempts"/> (tests wait on it; no timing).</summary>
    public event EventHandler<long>? Attempted;

    /// <summary>Records a completed poll that spooled <paramref name="spooled"/>; returns the previous state.</summary>
    internal string Succeeded(DateTimeOffset at, int spooled)
    {
        string previous;
        lock (_lock)
        {
            previous = State;
            (State, Error, LastSuccess) = (PollErrorPolicy.Ok, null, at);
            CompletedPolls++;
            Spooled += spooled;
            Attempts++;
        }

        Attempted?.Invoke(this, Attempts);
        return previous;
    }

    /// <summary>Records a failed poll; returns the previous state.</summary>
    internal string Failed(string state, string error, int spooled)
    {
        string previous;
        lock (_lock)
        {
            previous = State;
            (State, Error) = (state, error);
            Spooled += spooled;
            Attempts++;
        }

        Attempted?.Invoke(this, Attempts);
        return previous;
    }

    /// <summary>
    /// The state a failure puts the poller in, by the AWS error code (<c>__type</c>, else <c>x-amzn-ErrorType</c>) first:
    /// <c>AWSOrganizationsNotInUseException</c> is the organizational view not enabled, every code
    /// <see cref="PollErrorPolicy.StateOf"/> knows is its state; only a generic code (<c>ValidationException</c>,
    /// <c>ConflictException</c>, <c>HttpNNN</c> …) whose message names the organizational view falls back to the text.
    /// </summary>
    internal static string StateOf(Exception e)
    {
        if (e is AwsException { ErrorCode: "AWSOrganizationsNotInUseException" })
        {
            return OrganizationViewNotEnabled;
        }

        var byCode = PollErrorPolicy.StateOf(e);
        return byCode == PollErrorPolicy.Error && e is AwsException aws && aws.ErrorCode is "ValidationException" or "ConflictException" or "InvalidRequestException" or "BadRequestException"
            && (aws.Message.Contains("organizational view", StringComparison.OrdinalIgnoreCase) || aws.Message.Contains("EnableHealthServiceAccessForOrganization", StringComparison.Ordinal))
            ? OrganizationViewNotEnabled
            : byCode;
    }

    /// <summary>A failure as an operator reads it, with what to do for the two set-up problems.</summary>
    internal static string Describe(Exception e, string state) => state switch
    {
        PollErrorPolicy.SubscriptionRequired => $"{e.Message} (AWS Health's API needs a Business, Enterprise On-Ramp or Enterprise support plan on the management or delegated-administrator account)",
        OrganizationViewNotEnabled => $"{e.Message} (enable Health's organizational view: aws health enable-health-service-access-for-organization, from the management account; see docs/health.md)",
        _ => PollErrorPolicy.Describe(e),
    };
}

/// <summary>The Health poller's metrics: <c>mailgate.health.polls</c>, <c>mailgate.health.events</c>, <c>mailgate.health.details_failed</c>, <c>mailgate.health.last_success</c>.</summary>
internal sealed class HealthMetrics(HealthPollStatus status) : IMetricsSource
{
    private Counter<long>? _polls;
    private Counter<long>? _events;
    private Counter<long>? _detailsFailed;

    /// <inheritdoc/>
    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _polls = meter.CreateCounter<long>("mailgate.health.polls", "{poll}", "Health polls by result (ok, or the failure's state)");
        _events = meter.CreateCounter<long>("mailgate.health.events", "{event}", "Health (event, account) pairs spooled, by action (trigger, resolve)");
        _detailsFailed = meter.CreateCounter<long>("mailgate.health.details_failed", "{event}", "Health (event, account) pairs DescribeEventDetailsForOrganization put in its failedSet");
        meter.CreateObservableGauge("mailgate.health.last_success", () => status.LastSuccess?.ToUnixTimeMilliseconds() / 1000.0 ?? 0, "s", "Unix time of the last successful Health poll (0: none yet)");
    }

    /// <summary>Counts a poll's result.</summary>
    public void Poll(string result) => _polls?.Add(1, new KeyValuePair<string, object?>("result", result));

    /// <summary>Counts a spooled pair.</summary>
    public void Spooled(bool resolve) => _events?.Add(1, new KeyValuePair<string, object?>("action", resolve ? "resolve" : "trigger"));

    /// <summary>Counts failedSet entries.</summary>
    public void DetailsFailed(int count) => _detailsFailed?.Add(count);
}
