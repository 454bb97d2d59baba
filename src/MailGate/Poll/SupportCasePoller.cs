using MailGate.Observability;
using MailGate.Poll.Aws;
using MailGate.Process;
using MailGate.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Poll;

/// <summary>
/// The second way in: every <see cref="SupportCaseOptions.PollInterval"/>, lists the Organization's
/// accounts (every <see cref="SupportCaseOptions.AccountRefreshInterval"/>) and polls each one's AWS
/// Support cases, a few accounts at a time. New cases go into the spool like mail and take the same
/// path: rules, then PagerDuty with retries.
/// </summary>
/// <remarks>
/// One account's failure (its role cannot be assumed, it has no support plan, AWS throttles it) is
/// reported in <see cref="SupportCasePollStatus"/>, in metrics and by one warning per change of state;
/// it never holds up the other accounts.
/// </remarks>
internal sealed class SupportCasePoller(
    OrganizationsClient organizations,
    SupportClient support,
    SpoolStore spool,
    ProcessingInbox inbox,
    SupportCasePollStatus status,
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
        var cursors = settings.StatePath.Length > 0 ? new CaseCursorStore(settings.StatePath) : new CaseCursorStore(spool.Cursors(CaseCursorStore.Poller));
        var poller = new AccountPoller(support, spool, inbox, cursors, settings, time, logger);
        Log.SupportPollingStarted(logger, settings.PollInterval, string.Join(", ", settings.EffectiveLanguages), cursors.Folder);
        using var timer = new PeriodicTimer(settings.PollInterval, time);
        try
        {
            do
            {
                await RefreshAccountsAsync(settings, stoppingToken).ConfigureAwait(false);
                await PollAllAsync(poller, settings, stoppingToken).ConfigureAwait(false);
                status.PollCompleted();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: cursors are saved after every case, so the next start resumes exactly.
        }
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
        catch (Exception e) when (IsPollFailure(e, cancellationToken))
#pragma warning restore CA1031
        {
            // Keep polling the accounts already known; try the listing again next round.
            var error = Describe(e);
            if (status.AccountsError != error)
            {
                Log.SupportAccountsFailed(logger, error, _accounts.Count);
            }

            status.AccountsError = error;
            metrics.SupportPoll("organizations", Classify(e));
        }
    }

    private async Task PollAllAsync(AccountPoller poller, SupportCaseOptions settings, CancellationToken cancellationToken)
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
                await PollAccountAsync(poller, account, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
    }

    private async Task PollAccountAsync(AccountPoller poller, AwsAccount account, CancellationToken cancellationToken)
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
            metrics.SupportPoll(account.Id, "ok");
            if (previous is not ("ok" or "pending"))
            {
                Log.SupportAccountRecovered(logger, account.Id, account.Name, previous);
            }
        }
#pragma warning disable CA1031 // One account's failure, whatever it is, must not stop the others or the gateway.
        catch (Exception e) when (IsPollFailure(e, cancellationToken))
#pragma warning restore CA1031
        {
            var state = Classify(e);
            var error = Describe(e);
            var previous = status.Failed(account.Id, state, error, time.GetUtcNow(), found);
            metrics.SupportPoll(account.Id, state);
            if (previous != state)
            {
                Log.SupportAccountFailed(logger, account.Id, account.Name, state, error);
            }
        }
    }

    /// <summary>Every exception but our own shutdown: a poller failure is reported, never allowed to stop the host (and SMTP with it).</summary>
    private static bool IsPollFailure(Exception e, CancellationToken cancellationToken) =>
        e is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    /// <summary>The state an error puts an account in, for status, metrics and the once-per-change warning.</summary>
    internal static string Classify(Exception e) => e switch
    {
        AwsException { ErrorCode: "NoCredentials" } => "no_credentials",
        AwsException { Operation: AwsOperation.AssumeRole } => "assume_role_failed",
        AwsException { ErrorCode: "SubscriptionRequiredException" } => "subscription_required",
        AwsException { IsThrottling: true } => "throttled",
        AwsException { ErrorCode: "AccessDeniedException" or "AccessDenied" } => "access_denied",
        _ => "error",
    };

    private static string Describe(Exception e) => e switch
    {
        AwsException { ErrorCode: "SubscriptionRequiredException" } =>
            $"{e.Message} (the AWS Support API needs a Business, Enterprise On-Ramp or Enterprise support plan on this account)",
        System.Text.Json.JsonException => $"the cursor file is damaged ({e.Message}); fix it, or delete it to read the last SupportCases:InitialLookback again (cases in that window are spooled again: an incident still open absorbs its case, a resolved one would be opened again)",
        OperationCanceledException => "timed out",
        AwsException or IOException or HttpRequestException => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
