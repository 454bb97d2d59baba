using MailGate.Rules;
using MailGate.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Coverage;

/// <summary>
/// The coverage leader: while this replica leads the role <see cref="Role"/> (<see cref="RoleLeadership"/>), every
/// <c>Coverage:CheckInterval</c> lists the accounts (<see cref="CoverageAccounts"/>: the rules file as loaded now, and
/// AWS Organizations when asked) and runs a <see cref="CoverageRound"/>. Its state is in the documents, so another
/// replica taking over resumes where it stopped.
/// </summary>
internal sealed class CoverageScheduler(
    CoverageRound round,
    CoverageOrganization organization,
    RulesProvider rules,
    RoleLeadership leadership,
    IOptions<CoverageOptions> options,
    TimeProvider time,
    ILogger<CoverageScheduler> logger) : BackgroundService
{
    /// <summary>The leadership role: one replica sends probes and checks deadlines.</summary>
    public const string Role = "coverage";

    private int _rounds;

    /// <summary>Raised after each check (successful or not), with the number of checks run so far; for tests and status.</summary>
    public event EventHandler<int>? Checked;

    /// <summary>The number of checks run so far (as <see cref="Checked"/> reports them).</summary>
    public int Checks => Volatile.Read(ref _rounds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never hold up the host's start
        var settings = options.Value;
        CoverageLog.Started(logger, settings.Interval, settings.Relay.Host, settings.Relay.Port, settings.Deadline, settings.Organization, round.Location);
        try
        {
            while (true)
            {
                using var term = await leadership.LeadAsync(Role, stoppingToken).ConfigureAwait(false);
                try
                {
                    using var timer = new PeriodicTimer(settings.CheckInterval, time);
                    do
                    {
                        await CheckAsync(term.Token).ConfigureAwait(false);
                    }
                    while (await timer.WaitForNextTickAsync(term.Token).ConfigureAwait(false));
                }
                catch (OperationCanceledException) when (term.Token.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
                {
                    // Leadership lost: another replica resumes from the documents.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: every send and alert is recorded as it happens.
        }
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            var listed = await organization.ListAsync(cancellationToken).ConfigureAwait(false);
            await round.RunAsync(CoverageAccounts.Select(rules.Current.Accounts, listed), cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever goes wrong is reported; it must not stop the gateway (mail still flows).
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            CoverageLog.RoundFailed(logger, e.Message);
        }

        var checks = Interlocked.Increment(ref _rounds); // counted even with no listener (?. would skip the argument)
        Checked?.Invoke(this, checks);
    }
}
