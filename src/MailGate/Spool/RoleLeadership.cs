using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MailGate.Core.Storage;
using MailGate.Observability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Spool;

/// <summary>
/// Runs once-only roles (the support-case poller <c>support-cases</c>; the coming Health poller and coverage probes
/// take roles of their own) on one replica at a time, through the storage's <see cref="IStorageHealth.TryLead"/>:
/// waits until this replica leads a role, keeps renewing the lease while it does, and tells the holder the moment it
/// no longer may act (<see cref="LeaderTerm.Token"/>). Reports each change once in the log (events 1030–1032) and as
/// the gauge <c>mailgate.poller.leader{poller}</c> (1 while leading, else 0).
/// </summary>
/// <remarks>
/// Timing, with <c>L</c> = <see cref="SpoolOptions.LeaseDuration"/>: a waiting replica tries every <c>L/3</c>, the
/// leader renews every <c>L/3</c>. A dead leader's row expires at most <c>L</c> after its last renewal, so another
/// replica leads within about <c>L + L/3</c>. The leader stops at its first failed renewal (the database refused or
/// is unreachable), and at the latest <c>0.9·L</c> after its last successful renewal began (a renewal that hangs),
/// before its row can expire and another replica take over. With the file spool the one owner leads every role.
/// </remarks>
internal sealed class RoleLeadership(IStorageHealth storage, IOptions<SpoolOptions> options, TimeProvider time, ILogger<RoleLeadership> logger) : IMetricsSource
{
    private readonly ConcurrentDictionary<string, bool> _leading = new(StringComparer.Ordinal);

    /// <summary>How often a waiting replica tries to take a role and a leader renews it: a third of the lease.</summary>
    public TimeSpan TryInterval => options.Value.LeaseDuration / 3;

    /// <summary>Whether this replica leads <paramref name="role"/> now (as far as it knows).</summary>
    public bool IsLeading(string role) => _leading.TryGetValue(role, out var leading) && leading;

    /// <inheritdoc/>
    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        meter.CreateObservableGauge("mailgate.poller.leader", Gauge, "{leader}", "1 while this replica leads the once-only role (poller), else 0");
    }

    /// <summary>Waits until this replica leads <paramref name="role"/>: tries now, then every <see cref="TryInterval"/>.</summary>
    /// <param name="role">The role's name (<see cref="StorageNames.IsName"/>), e.g. <c>support-cases</c>.</param>
    /// <param name="cancellationToken">Stops waiting (shutdown).</param>
    /// <returns>The term: dispose it when the work ends; its token is cancelled when leadership is lost or <paramref name="cancellationToken"/> is.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<LeaderTerm> LeadAsync(string role, CancellationToken cancellationToken)
    {
        StorageNames.CheckName(role, nameof(role));
        while (true)
        {
            var started = time.GetTimestamp();
            if (await Task.Run(() => storage.TryLead(role), cancellationToken).ConfigureAwait(false))
            {
                Changed(role, leading: true, null);
                return new LeaderTerm(this, role, started, cancellationToken);
            }

            Changed(role, leading: false, "another replica leads it, or the storage cannot be reached");
            await Task.Delay(TryInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <paramref name="round"/> at once and then every <paramref name="interval"/> while this replica leads
    /// <paramref name="role"/>; when leadership is lost, the round in progress is cancelled (its token) and this waits
    /// to lead again. Returns when <paramref name="stoppingToken"/> is cancelled (shutdown).
    /// </summary>
    /// <param name="role">The role (<see cref="LeadAsync"/>).</param>
    /// <param name="interval">Between the starts of rounds (on this class's clock).</param>
    /// <param name="round">One round; its token is cancelled when leadership is lost or on shutdown.</param>
    /// <param name="stoppingToken">Shutdown.</param>
    public async Task RunWhileLeadingAsync(string role, TimeSpan interval, Func<CancellationToken, Task> round, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(round);
        try
        {
            while (true)
            {
                using var term = await LeadAsync(role, stoppingToken).ConfigureAwait(false);
                try
                {
                    using var timer = new PeriodicTimer(interval, time);
                    do
                    {
                        await round(term.Token).ConfigureAwait(false);
                    }
                    while (await timer.WaitForNextTickAsync(term.Token).ConfigureAwait(false));
                }
                catch (OperationCanceledException) when (term.Token.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
                {
                    // Leadership lost: another replica resumes from what the rounds stored.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Renews <paramref name="role"/> once; true while this replica still leads it.</summary>
    internal bool Renew(string role) => storage.TryLead(role);

    /// <summary>The longest a leader acts after a renewal began without a newer one succeeding: 0.9 of the lease.</summary>
    internal TimeSpan Deadline(long renewalStarted) => (options.Value.LeaseDuration * 0.9) - time.GetElapsedTime(renewalStarted);

    internal TimeProvider Time => time;

    /// <summary>Marks <paramref name="role"/> not led here without a warning: its work ended (shutdown), nothing was lost.</summary>
    internal void Ended(string role) => _leading[role] = false;

    /// <summary>Records whether this replica leads <paramref name="role"/>; logs and flips the gauge only on a change.</summary>
    internal void Changed(string role, bool leading, string? reason)
    {
        var previous = _leading.TryGetValue(role, out var was) ? was : (bool?)null;
        _leading[role] = leading;
        if (previous == leading)
        {
            return;
        }

        if (leading)
        {
            LeadershipLog.Leading(logger, role, storage.Location);
        }
        else if (previous == true)
        {
            LeadershipLog.LeadershipLost(logger, role, reason ?? "stopped");
        }
        else
        {
            LeadershipLog.NotLeading(logger, role, TryInterval);
        }
    }

    private IEnumerable<Measurement<int>> Gauge() =>
        _leading.Select(r => new Measurement<int>(r.Value ? 1 : 0, new KeyValuePair<string, object?>("poller", r.Key)));
}
