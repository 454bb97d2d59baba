using MailGate.Observability;
using MailGate.Poll.Aws;
using MailGate.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Poll;

/// <summary>
/// The second way in: every <see cref="SupportCaseOptions.PollInterval"/>, lists the Organization's
/// accounts (every <see cref="SupportCaseOptions.AccountRefreshInterval"/>) and polls each one's AWS
/// Support cases, a few accounts at a time, while this replica leads the role <c>support-cases</c>
/// (<see cref="RoleLeadership"/>: with replicas on PostgreSQL, one polls at a time). New cases go into the spool like mail and take the same
/// path: rules, then PagerDuty with retries.
/// </summary>
/// <remarks>
/// One account's failure (its role cannot be assumed, it has no support plan, AWS throttles it) is
/// reported in <see cref="SupportCasePollStatus"/>, in metrics and by one warning per change of state;
/// it never holds up the other accounts. What a failure means and when it is logged is <see cref="PollErrorPolicy"/>; polling one account is
/// <see cref="AccountPoller"/>.
/// </remarks>
internal sealed class SupportCasePoller(
    OrganizationsClient organizations,
    AccountPoller poller,
    SupportCasePollStatus status,
    RoleLeadership leadership,
    MailGateMetrics metrics,
    IOptions<SupportCaseOptions> options,
    TimeProvider time,
    ILogger<SupportCasePoller> logger) : BackgroundService
{
    private IReadOnlyList<AwsAccount> _accounts = [];
    private DateTimeOffset? _listedAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never hold up the host's start
        var settings = options.Value;
        Log.SupportPollingStarted(logger, settings.PollInterval, string.Join(", ", settings.EffectiveLanguages), poller.CursorLocation);
        try
        {
            while (true)
            {
                // One replica polls at a time: the others wait here, trying to lead every third of the lease.
                using var term = await leadership.LeadAsync(CaseCursorStore.Poller, stoppingToken).ConfigureAwait(false);
                try
                {
                    await PollWhileLeadingAsync(settings, term.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (term.Token.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
                {
                    // Leadership lost mid-round or between rounds: stop now, another replica resumes from the cursors.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: cursors are saved after every case, so the next start resumes exactly.
        }
    }

    /// <summary>Polls a round now and then every <see cref="SupportCaseOptions.PollInterval"/> until <paramref name="leading"/> is cancelled.</summary>
    private async Task PollWhileLeadingAsync(SupportCaseOptions settings, CancellationToken leading)
    {
        using var timer = new PeriodicTimer(settings.PollInterval, time);
        do
        {
            await RefreshAccountsAsync(settings, leading).ConfigureAwait(false);
            await PollAllAsync(settings, leading).ConfigureAwait(false);
            leading.ThrowIfCancellationRequested(); // a round cut short by a lost lease is not a completed round
            status.PollCompleted();
        }
        while (await timer.WaitForNextTickAsync(leading).ConfigureAwait(false));
    }

    private async Task RefreshAccountsAsync(SupportCaseOptions settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_listedAt is { } listed && now - listed < settings.AccountRefreshInterval)
        {
            return;
        }

        try
        {
            var accounts = await organizations.ListActiveAccountsAsync(cancellationToken).ConfigureAwait(false);
            _accounts = PolledAccounts.Select(accounts, settings);
            _listedAt = now;
            status.SetAccounts(_accounts.Select(a => (a.Id, a.Name)));
            status.AccountsListedAt = now;
            if (status.AccountsError is not null)
            {
                Log.SupportAccountsListedAgain(logger);
            }

            status.AccountsError = null;
            Log.SupportAccountsListed(logger, accounts.Count, _accounts.Count);
        }
#pragma warning disable CA1031 // Whatever goes wrong is reported; it must not stop the gateway (mail still flows).
        catch (Exception e) when (PollErrorPolicy.IsFailure(e, cancellationToken))
#pragma warning restore CA1031
        {
            // Keep polling the accounts already known; try the listing again next round.
            var error = PollErrorPolicy.Describe(e);
            if (PollErrorPolicy.WarnsAbout(status.AccountsError, error))
            {
                Log.SupportAccountsFailed(logger, error, _accounts.Count);
            }

            status.AccountsError = error;
            metrics.SupportPoll("organizations", PollErrorPolicy.StateOf(e));
        }
    }

    private async Task PollAllAsync(SupportCaseOptions settings, CancellationToken cancellationToken)
    {
        // Each account waits its random jitter first and only then for one of the MaxConcurrency slots,
        // so the jitter spreads the load without costing slot time (hundreds of accounts per round).
        using var slots = new SemaphoreSlim(settings.MaxConcurrency);
        await Task.WhenAll(_accounts.Select(async account =>
        {
            if (settings.Jitter > TimeSpan.Zero)
            {
#pragma warning disable CA5394 // Spreading load, not security.
                await Task.Delay(settings.Jitter * Random.Shared.NextDouble(), time, cancellationToken).ConfigureAwait(false);
#pragma warning restore CA5394
            }

            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await PollAccountAsync(account, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
    }

    private async Task PollAccountAsync(AwsAccount account, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["AwsAccount"] = account.Id });
        var found = 0;
        try
        {
            await poller.PollAsync(account, count =>
            {
                found += count;
                metrics.SupportCasesFound(account.Id, count);
            }, cancellationToken).ConfigureAwait(false);
            var previous = status.Succeeded(account.Id, time.GetUtcNow(), found);
            metrics.SupportPoll(account.Id, PollErrorPolicy.Ok);
            if (PollErrorPolicy.IsRecovery(previous))
            {
                Log.SupportAccountRecovered(logger, account.Id, account.Name, previous);
            }
        }
#pragma warning disable CA1031 // One account's failure, whatever it is, must not stop the others or the gateway.
        catch (Exception e) when (PollErrorPolicy.IsFailure(e, cancellationToken))
#pragma warning restore CA1031
        {
            var state = PollErrorPolicy.StateOf(e);
            var error = PollErrorPolicy.Describe(e);
            var previous = status.Failed(account.Id, state, error, time.GetUtcNow(), found);
            metrics.SupportPoll(account.Id, state);
            if (PollErrorPolicy.WarnsAbout(previous, state))
            {
                Log.SupportAccountFailed(logger, account.Id, account.Name, state, error);
            }
        }
    }
}
