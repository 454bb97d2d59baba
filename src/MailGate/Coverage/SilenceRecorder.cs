using MailGate.Core.Coverage;
using MailGate.Core.Storage;
using MailGate.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MailGate.Coverage;

/// <summary>
/// On every replica: every <see cref="Interval"/> and once more when the gateway stops, writes when this replica
/// last accepted mail (<see cref="MailArrivals"/>) to the store <see cref="MailSilence.Store"/> (keys <c>all</c> and
/// <c>list-…</c>), keeping the later of the stored time and its own, so the leader's silence alarm and the views see
/// every receiver; then refreshes <see cref="CoverageView.Current"/> for the metrics.
/// </summary>
/// <remarks>
/// List-Ids come from the mail, so anyone who can write to the SMTP port can invent them: at most
/// <see cref="MailSilence.MaxGroups"/> List-Id documents are ever stored (all replicas and restarts together); a new
/// List-Id beyond that is counted in the overall silence only, and logged once per run.
/// </remarks>
internal sealed class SilenceRecorder(IPollerCursors storage, MailArrivals arrivals, CoverageView view, TimeProvider time, ILogger<SilenceRecorder> logger) : BackgroundService
{
    /// <summary>How often arrivals are written (only when there are new ones) and the view is refreshed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, DateTimeOffset> _written = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();
    private long _flushed;
    private bool _fullLogged;
    private string? _lastError;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Round(refresh: false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never hold up the host's start
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                Round(refresh: true);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes the last arrivals.
        }
    }

    /// <summary>Writes new arrivals, then (when <paramref name="refresh"/>) re-reads the view; a failure is logged once per change and retried next round.</summary>
    internal void Round(bool refresh)
    {
        lock (_lock)
        {
            try
            {
                Flush();
                if (refresh)
                {
                    view.Read();
                }

                _lastError = null;
            }
#pragma warning disable CA1031 // The storage may refuse (unwritable, database down): mail still flows; the next round retries.
            catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                if (e.Message != _lastError)
                {
                    Log.SilenceStoreFailed(logger, $"{storage.Location} ({MailSilence.Store})", e.Message);
                }

                _lastError = e.Message;
            }
        }
    }

    private void Flush()
    {
        var version = arrivals.Version;
        if (version == _flushed || arrivals.Last is not { } last)
        {
            return;
        }

        var store = storage.Cursors(MailSilence.Store);
        Keep(store, MailSilence.AllKey, new LastReceived { ReceivedAt = last });
        HashSet<string>? stored = null; // the List-Id keys in the store, read once a flush when a List-Id is new to this run
        foreach (var (listId, at) in arrivals.Groups())
        {
            if (_written.TryGetValue(listId, out var written) && written >= at)
            {
                continue;
            }

            var key = MailSilence.ListKey(listId);
            if (!_written.ContainsKey(listId))
            {
                stored ??= [.. store.Keys().Where(k => k.StartsWith(MailSilence.ListPrefix, StringComparison.Ordinal))];
                if (!stored.Contains(key) && stored.Count >= MailSilence.MaxGroups)
                {
                    if (!_fullLogged)
                    {
                        Log.SilenceGroupsFull(logger, stored.Count, $"{storage.Location} ({MailSilence.Store})", MailSilence.MaxGroups, listId);
                        _fullLogged = true;
                    }

                    continue;
                }

                stored.Add(key);
            }

            Keep(store, key, new LastReceived { ReceivedAt = at, ListId = listId });
            _written[listId] = at;
        }

        _flushed = version;
    }

    /// <summary>Writes <paramref name="mine"/> unless the stored document is as new already.</summary>
    private static void Keep(ICursorDocuments store, string key, LastReceived mine)
    {
        var stored = CoverageDocuments.ReadOrReplace<LastReceived>(store.Read(key), out _); // a damaged document is replaced

        if (stored is null || stored.ReceivedAt < mine.ReceivedAt)
        {
            store.Write(key, CoverageDocuments.Write(mine));
        }
    }
}
