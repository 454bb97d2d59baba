using MailGate.Observability;
using MailGate.Poll;
using MailGate.Receive;
using MailGate.Rules;
using MailGate.Spool;
using Microsoft.Extensions.Hosting;

namespace MailGate.Http;

/// <summary>
/// Whether the gateway can take mail now, that is whether a sender would get 250 rather than a 4xx: the
/// gateway is not stopping, the SMTP listener is bound, the spool accepts writes, has at least
/// <c>Spool:MinFreeBytes</c> free (below that every MAIL gets <c>452</c>) and is still locked by this
/// gateway. A rules file whose latest reload failed (an invalid edit, a file that cannot be read) is
/// reported but does not make the gateway unready: the previous rules are in force and mail is still handled.
/// </summary>
public sealed class Readiness(SmtpListenerEndpoint smtp, SpoolStore spool, SpoolSpace space, RulesProvider rules, SupportCasePollStatus supportCases, IHostApplicationLifetime lifetime, IEnumerable<IReadinessCheck> checks)
{
    /// <summary>What the probe writes: one disk block's worth, which a full file system refuses.</summary>
    private static readonly byte[] ProbeContent = new byte[4096];

    /// <summary>Checks now (writes a 4 KiB probe file in <c>incoming/</c>, renames it into <c>active/</c> and deletes it).</summary>
    public ReadinessReport Check()
    {
        var problems = new List<string>();
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            problems.Add("stopping: new SMTP connections are refused");
        }

        SmtpProblems(problems);
        var writable = SpoolWritable(out var spoolError);
        if (!writable)
        {
            problems.Add($"spool: cannot write to {spool.Root}: {spoolError}");
        }

        if (!space.HasRoom(out var freeBytes))
        {
            problems.Add($"spool: {freeBytes} bytes free on the spool's disk, below Spool:MinFreeBytes ({space.MinFreeBytes}): every MAIL FROM gets 452 until space is freed");
        }

        if (spool.LockProblem() is { } lockProblem)
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
            SpoolFreeBytes = freeBytes,
            SupportCases = supportCases.Enabled ? SupportCasesReport.Of(supportCases) : null,
            RulesProblem = rules.Problem,
        };
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

    /// <summary>
    /// What a commit needs, done on a probe: a file with content written in <c>incoming/</c> (a full disk
    /// refuses content, not an empty file) and renamed into <c>active/</c> (which needs <c>active/</c>
    /// writable), then deleted. The probe's name starts with a dot, so no scan of the spool ever sees it.
    /// </summary>
    private bool SpoolWritable(out string? error)
    {
        var name = $".ready-{Guid.NewGuid():N}";
        var probe = Path.Combine(spool.PathOf(SpoolArea.Incoming), name);
        var moved = Path.Combine(spool.PathOf(SpoolArea.Active), name);
        if (!Directory.Exists(spool.PathOf(SpoolArea.Active)))
        {
            error = $"{spool.PathOf(SpoolArea.Active)} is missing";
            return false;
        }

        try
        {
            File.WriteAllBytes(probe, ProbeContent);
            File.Move(probe, moved);
            File.Delete(moved);
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            TryDelete(probe);
            TryDelete(moved);
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind; its dot-name keeps it out of every scan.
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
    /// <summary>Bytes free on the spool's disk (0 when that cannot be read); below <c>Spool:MinFreeBytes</c> the gateway is not ready.</summary>
    public long SpoolFreeBytes { get; init; }

    /// <summary>The AWS Support poller, per account; absent when it is off. Failing accounts are reported here, not made a readiness failure: mail is still handled.</summary>
    public SupportCasesReport? SupportCases { get; init; }

    /// <summary>Why the latest reload of the rules file failed; absent when it did not. Not a readiness failure: the previous rules are in force.</summary>
    public string? RulesProblem { get; init; }

    /// <summary>Whether the gateway can take mail.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsReady => Problems.Count == 0;
}

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
