using System.Collections.Concurrent;
using MailGate.Observability;

namespace MailGate.Process;

/// <summary>
/// Messages whose state could not be written, or whose folder could not be moved to <c>done/</c> or
/// <c>dead/</c> (a file system remounted read-only, a full disk). They stay in memory, tracked, and are
/// settled again with backoff (1 s, doubling, at most 1 min) until the file system takes the writes; meanwhile
/// the gateway reports itself not ready.
/// </summary>
internal sealed class UnsavedWork(TimeProvider time) : IReadinessCheck, IDisposable
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, MessageWork> _works = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _added = new(0);

    /// <summary>How many messages are waiting for a write.</summary>
    public int Count => _works.Count;

    /// <summary>Raised after each round of retries (for tests and observers).</summary>
    public event EventHandler? RoundCompleted;

    /// <summary>Keeps <paramref name="work"/> until it is settled; false when it was kept already.</summary>
    public bool Add(MessageWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!_works.TryAdd(work.Message.Id, work))
        {
            return false;
        }

        _added.Release();
        return true;
    }

    /// <summary>Stops settling <paramref name="spoolId"/> (its claim was lost: its new owner writes its state).</summary>
    public void Remove(string spoolId) => _works.TryRemove(spoolId, out _);

    public void Dispose() => _added.Dispose();

    /// <inheritdoc/>
    public IReadOnlyList<string> Problems()
    {
        var works = _works.Values.ToArray();
        if (works.Length == 0)
        {
            return [];
        }

        var error = works.Select(w => w.LastWriteError?.Message).FirstOrDefault(e => e is not null) ?? "(retrying)";
        return [$"spool: cannot record the state of {works.Length} message(s) ({error}); kept in memory, written again when the spool takes writes, never sent twice"];
    }

    /// <summary>
    /// Calls <paramref name="settle"/> for each message kept, with backoff, until <paramref name="stoppingToken"/>
    /// fires; a message leaves when <paramref name="settle"/> returns true.
    /// </summary>
    public async Task RunAsync(Func<MessageWork, bool> settle, CancellationToken stoppingToken)
    {
        var delay = FirstDelay;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (_works.IsEmpty)
                {
                    await _added.WaitAsync(stoppingToken).ConfigureAwait(false);
                    delay = FirstDelay;
                }

                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                foreach (var entry in _works)
                {
                    if (settle(entry.Value) && _works.TryRemove(entry) && entry.Value.NeedsSettling)
                    {
                        Add(entry.Value); // a lane's write failed again meanwhile
                    }
                }

                delay = _works.IsEmpty ? FirstDelay : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
                RoundCompleted?.Invoke(this, EventArgs.Empty);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is kept here is in the spool as it was last written, and resumes from there.
        }
    }
}
