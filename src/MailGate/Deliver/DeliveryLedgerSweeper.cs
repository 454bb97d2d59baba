using MailGate.Core.Storage;
using MailGate.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Deliver;

/// <summary>
/// Deletes the delivery ledger's entries older than <see cref="SpoolOptions.LedgerRetention"/>, at start and then every
/// <see cref="Interval"/> on the injected clock. Every replica sweeps (a sweep is idempotent). The retention holds without
/// the sweep too: a reservation forgets entries older than it (<see cref="IDeliveryLedger.Reserve"/>); the sweep keeps the
/// ledger small.
/// </summary>
internal sealed class DeliveryLedgerSweeper(IDeliveryLedger ledger, IOptions<SpoolOptions> options, TimeProvider time, ILogger<DeliveryLedgerSweeper> logger) : BackgroundService
{
    /// <summary>How often the ledger is swept.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Sweeps once now (entries older than the retention, by the injected clock); returns how many went, or null when the storage refused.</summary>
    public int? SweepOnce()
    {
        var retention = options.Value.LedgerRetention;
        try
        {
            var swept = ledger.SweepLedger(time.GetUtcNow() - retention);
            if (swept > 0)
            {
                Log.DeliveryLedgerSwept(logger, swept, retention);
            }

            return swept;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.DeliveryLedgerSweepFailed(logger, e, Interval);
            return null;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            SweepOnce();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
