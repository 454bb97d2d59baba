using MailGate.Core.Coverage;
using MailGate.Core.Storage;
using MailGate.Coverage;
using MailGate.Deliver;
using MailGate.HealthEvents;
using MailGate.Http;
using MailGate.Observability;
using MailGate.Poll;
using MailGate.Rules;
using MailGate.Storage.Postgres;

namespace MailGate.Status;

/// <summary>The status page's header: what the gateway is and how it stands now. No secret: the storage's <see cref="IStorage.Location"/> never holds a password.</summary>
/// <param name="Version">MailGate's version.</param>
/// <param name="Uptime">How long this process has served.</param>
/// <param name="RulesVersion">The rules version in force.</param>
/// <param name="RulesProblem">Why the latest reload of the rules failed (the previous rules are in force), or null.</param>
/// <param name="CircuitOpen">Whether the PagerDuty circuit breaker refuses to send now.</param>
/// <param name="Backend"><c>file</c> or <c>postgres</c>.</param>
/// <param name="Location">Where the storage is (a folder, or host:port/database).</param>
/// <param name="Unfinished">Messages not finished yet (null when that cannot be read).</param>
/// <param name="Dead">Dead letters (null when that cannot be read).</param>
/// <param name="OldestUnfinishedAge">The age of the oldest unfinished message; null when none (or unknown).</param>
/// <param name="Pollers">The AWS Support and AWS Health pollers (each null when off).</param>
internal sealed record StatusOverview(
    string Version,
    TimeSpan Uptime,
    string RulesVersion,
    string? RulesProblem,
    bool CircuitOpen,
    string Backend,
    string Location,
    int? Unfinished,
    int? Dead,
    TimeSpan? OldestUnfinishedAge,
    PollersReport Pollers)
{
    /// <summary>Coverage (issue #15): each account's probe state and when mail last arrived; null when it could not be read.</summary>
    public CoverageOverview? Coverage { get; init; }
}

/// <summary>The pollers' part of the status page and <c>GET /api/v1/pollers</c>: what <c>/readyz</c> reports of them.</summary>
/// <param name="SupportCases">The AWS Support poller, per account; null when it is off (<c>SupportCases:Enabled</c>).</param>
/// <param name="HealthEvents">The AWS Health poller; null when it is off (<c>Health:Enabled</c>).</param>
internal sealed record PollersReport(SupportCasesReport? SupportCases, HealthEventsReport? HealthEvents)
{
    /// <summary>The pollers' state now.</summary>
    public static PollersReport Of(SupportCasePollStatus supportCases, HealthPollStatus health) =>
        new(supportCases.Enabled ? SupportCasesReport.Of(supportCases) : null, health.Enabled ? HealthEventsReport.Of(health) : null);
}

/// <summary>Reads <see cref="StatusOverview"/> from the services that already know it.</summary>
internal sealed class StatusOverviewSource(IStorageHealth storage, RulesProvider rules, PagerDutyCircuit circuit, SupportCasePollStatus pollers, HealthPollStatus health, StatusClock clock, CoverageView coverage, TimeProvider time)
{

    /// <summary>Coverage now, or null when the storage cannot be read.</summary>
    public CoverageOverview? Coverage()
    {
        try
        {
            return coverage.Read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return coverage.Current;
        }
    }

    /// <summary>The pollers now.</summary>
    public PollersReport Pollers() => PollersReport.Of(pollers, health);

    /// <summary>Now.</summary>
    public StatusOverview Read()
    {
        var now = time.GetUtcNow();
        DateTimeOffset? oldest;
        try
        {
            oldest = storage.OldestUnfinished();
        }
        catch (IOException)
        {
            oldest = null;
        }

        return new StatusOverview(
            ProgramVersion.Current,
            now - clock.Started,
            rules.Current.Version,
            rules.Problem,
            circuit.IsOpen,
            storage is PostgresStorage ? "postgres" : "file",
            storage.Location,
            storage.Count(SpoolArea.Active),
            storage.Count(SpoolArea.Dead),
            oldest is { } o ? now - o : null,
            Pollers())
        {
            Coverage = Coverage(),
        };
    }
}

/// <summary>When the host was built: the uptime counts from here. Resolved while mapping, so it needs nothing but the clock (options are validated later, all at once).</summary>
internal sealed class StatusClock(TimeProvider time)
{
    /// <summary>When the host was built.</summary>
    public DateTimeOffset Started { get; } = time.GetUtcNow();
}
