using MailGate.Core.Storage;
using MailGate.Storage.Postgres;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MailGate.Spool;

/// <summary>
/// Opens the PostgreSQL storage in the background when it could not be opened at start (the database down or
/// unreachable): tries <see cref="PostgresStorage.Migrate"/> again after <see cref="Backoff"/> on the injected clock
/// (1 s, doubling, at most 30 s), until it succeeds; then the storage is open and the gateway takes mail, without a
/// restart. Logs the failure at start once (1040, by the storage's registration), the recovery once (1041), and a
/// refusal that needs someone (a wrong password, a newer schema found later) once (1042); not every attempt.
/// With the file spool, or PostgreSQL opened at start, it does nothing.
/// </summary>
internal sealed class PostgresOpener(IMessageStorage storage, TimeProvider time, ILogger<PostgresOpener> logger) : BackgroundService
{
    /// <summary>The wait before the first retry after the failure at start.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two tries.</summary>
    public static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the storage is open: at once with the file spool or a database opened at start.</summary>
    public Task Opened => storage is PostgresStorage { IsOpen: false } ? _opened.Task : Task.CompletedTask;

    /// <summary>The wait after <paramref name="failures"/> failed tries (≥ 1): <see cref="FirstRetry"/> doubled per further failure, at most <see cref="MaxRetry"/>.</summary>
    public static TimeSpan Backoff(int failures)
    {
        var doublings = Math.Clamp(failures - 1, 0, 30);
        var wait = FirstRetry * Math.Pow(2, doublings);
        return wait < MaxRetry ? wait : MaxRetry;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (storage is not PostgresStorage { IsOpen: false } postgres)
        {
            _opened.TrySetResult();
            return;
        }

        var started = time.GetTimestamp();
        var failures = 1; // the try at start
        var refusalLogged = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Backoff(failures), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var applied = postgres.Migrate();
                Log.PostgresOpenedLate(logger, postgres.Location, failures + 1, time.GetElapsedTime(started), PostgresStorage.SchemaVersion, applied.Count);
                _opened.TrySetResult();
                return;
            }
            catch (Exception e) when (e is IOException or SchemaTooNewException)
            {
                failures++;
                if (!refusalLogged && (e is SchemaTooNewException || PostgresStorage.IsLoginRefused(e)))
                {
                    refusalLogged = true;
                    Log.PostgresOpenRefused(logger, postgres.Location, e.Message, MaxRetry);
                }
            }
        }
    }
}
