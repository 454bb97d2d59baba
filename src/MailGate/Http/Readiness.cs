using MailGate.Core.Rules;
using MailGate.Core.Storage;
using MailGate.Observability;
using MailGate.HealthEvents;
using MailGate.Poll;
using MailGate.Receive;
using MailGate.Rules;
using MailGate.Spool;
using MailGate.Storage.Postgres;
using Microsoft.Extensions.Hosting;

namespace MailGate.Http;

/// <summary>
/// Whether the gateway can take mail now, that is whether a sender would get 250 rather than a 4xx: the
/// gateway is not stopping, the SMTP listener is bound, the spool accepts writes, has at least
/// <c>Spool:MinFreeBytes</c> free (below that every MAIL gets <c>452</c>) and is still locked by this
/// gateway. A rules file whose latest reload failed (an invalid edit, a file that cannot be read) is
/// reported but does not make the gateway unready: the previous rules are in force and mail is still handled.
/// </summary>
public sealed class Readiness(SmtpListenerEndpoint smtp, IStorageHealth spool, SpoolSpace space, RulesProvider rules, SupportCasePollStatus supportCases, HealthPollStatus healthEvents, IHostApplicationLifetime lifetime, IEnumerable<IReadinessCheck> checks)
{
    /// <summary>Checks now (the storage does what a commit needs on a probe: <see cref="IStorageHealth.ProbeCommit"/>).</summary>
    public ReadinessReport Check()
    {
        var problems = new List<string>();
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            problems.Add("stopping: new SMTP connections are refused");
        }

        SmtpProblems(problems);
        var (spoolError, database) = Probe();
        var writable = spoolError is null;
        if (!writable)
        {
            problems.Add(database is null ? $"spool: cannot write to {spool.Location}: {spoolError}" : $"database: {spoolError}");
        }

        if (!space.HasRoom(out var freeBytes))
        {
            problems.Add($"spool: {freeBytes} bytes free on the spool's disk, below Spool:MinFreeBytes ({space.MinFreeBytes}): every MAIL FROM gets 452 until space is freed");
        }

        if (spool.OwnershipProblem() is { } lockProblem)
        {
            problems.Add($"spool: {lockProblem}");
        }

        problems.AddRange(checks.SelectMany(check => check.Problems()));

        var current = rules.Current;
        return new ReadinessReport(
            problems.Count == 0 ? "ready" : "not ready",
            smtp.IsListening ? smtp.Bound.Result.ToString() : null,
            writable,
            current.Version,
            current.Source,
            rules.LastReloadFailed,
            problems)
        {
            SpoolFreeBytes = database is null ? freeBytes : null,
            SupportCases = supportCases.Enabled ? SupportCasesReport.Of(supportCases) : null,
            HealthEvents = healthEvents.Enabled ? HealthEventsReport.Of(healthEvents) : null,
            RulesProblem = rules.Problem,
            Database = database,
        };
    }

    /// <summary>Why a commit would fail now (null when it would not), and the database's part of the report (PostgreSQL only).</summary>
    private (string? Problem, DatabaseReport? Database) Probe()
    {
        if (spool is not PostgresStorage postgres)
        {
            return (spool.ProbeCommit(), null);
        }

        var probe = postgres.Probe();
        return (probe.Problem, new DatabaseReport("postgres", postgres.Endpoint, probe.Reachable, probe.Problem, probe.SchemaVersion));
    }

    private void SmtpProblems(List<string> problems)
    {
        if (smtp.Bound.IsFaulted)
        {
            problems.Add($"smtp: the listener failed: {smtp.Bound.Exception.InnerException?.Message}");
        }
        else if (!smtp.IsListening)
        {
            problems.Add("smtp: not listening");
        }
    }
}

/// <summary>The <c>/readyz</c> answer.</summary>
/// <param name="Status"><c>ready</c> or <c>not ready</c>.</param>
/// <param name="SmtpEndpoint">Where SMTP listens, once bound.</param>
/// <param name="SpoolWritable">Whether a probe file could be written to the spool.</param>
/// <param name="RulesVersion">The rules version in force.</param>
/// <param name="RulesSource">Where those rules came from.</param>
/// <param name="RulesReloadFailed">Whether the latest reload of the rules file failed (invalid, unreadable, or an error while reloading); the previous rules stay in force.</param>
/// <param name="Problems">Why the gateway is not ready; empty when it is.</param>
public sealed record ReadinessReport(
    string Status,
    string? SmtpEndpoint,
    bool SpoolWritable,
    string RulesVersion,
    string RulesSource,
    bool RulesReloadFailed,
    IReadOnlyList<string> Problems)
{
    /// <summary>
    /// Bytes free on the spool's disk (0 when that cannot be read); below <c>Spool:MinFreeBytes</c> the gateway is not
    /// ready. Null with PostgreSQL, which keeps no spool on this host's disk.
    /// </summary>
    public long? SpoolFreeBytes { get; init; }

    /// <summary>The AWS Support poller, per account; absent when it is off. Failing accounts are reported here, not made a readiness failure: mail is still handled.</summary>
    public SupportCasesReport? SupportCases { get; init; }

    /// <summary>The AWS Health poller; absent when it is off. Its failures (no support plan, organizational view not enabled) are reported here, not made a readiness failure.</summary>
    public HealthEventsReport? HealthEvents { get; init; }

    /// <summary>Why the latest reload of the rules file failed; absent when it did not. Not a readiness failure: the previous rules are in force.</summary>
    public string? RulesProblem { get; init; }

    /// <summary>The database (<c>Spool:Backend: postgres</c>); absent with the file spool.</summary>
    public DatabaseReport? Database { get; init; }

    /// <summary>Whether the gateway can take mail.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsReady => Problems.Count == 0;
}

/// <summary>The database's part of <c>/readyz</c>, checked by the request (<see cref="PostgresStorage.Probe"/>).</summary>
/// <param name="Backend"><c>postgres</c>.</param>
/// <param name="Endpoint">Where it is: <c>host:port/database</c> (never the user or the password).</param>
/// <param name="Reachable">Whether the server answered within the probe's time limit.</param>
/// <param name="Problem">Why a commit would fail now (unreachable, read-only, …); null when it would succeed.</param>
/// <param name="SchemaVersion">The database's schema version (the newest migration applied); null when it could not be read.</param>
public sealed record DatabaseReport(string Backend, string Endpoint, bool Reachable, string? Problem, int? SchemaVersion);

/// <summary>The poller's part of <c>/readyz</c>.</summary>
/// <param name="AccountsListedAt">When AWS Organizations last listed the accounts.</param>
/// <param name="AccountsError">Why the latest listing failed; null when it worked.</param>
/// <param name="Polls">Rounds completed since start.</param>
/// <param name="Accounts">Each account's poll status.</param>
public sealed record SupportCasesReport(
    DateTimeOffset? AccountsListedAt,
    string? AccountsError,
    long Polls,
    IReadOnlyList<AccountPollStatus> Accounts)
{
    internal static SupportCasesReport Of(SupportCasePollStatus status) =>
        new(status.AccountsListedAt, status.AccountsError, status.CompletedPolls, status.Accounts);
}

/// <summary>The Health poller's part of <c>/readyz</c>.</summary>
/// <param name="State"><c>ok</c>, <c>pending</c>, or the last failure's state (<c>subscription_required</c>, <c>organization_view_not_enabled</c>, <c>throttled</c>, …).</param>
/// <param name="Error">The last failure as an operator reads it; null after a success.</param>
/// <param name="LastSuccess">When the last poll completed.</param>
/// <param name="Polls">Polls completed since start.</param>
/// <param name="Spooled">(event, account) pairs spooled since start.</param>
public sealed record HealthEventsReport(string State, string? Error, DateTimeOffset? LastSuccess, long Polls, long Spooled)
{
    internal static HealthEventsReport Of(HealthPollStatus status) =>
        new(status.State, status.Error, status.LastSuccess, status.CompletedPolls, status.Spooled);
}
