using MailGate.Core.Messages;
using MailGate.Core.Decide;
using MailGate.Core.Parse;
using MailGate.Core.Parse.Authentication;
using MailGate.Core.Storage;
using MailGate.Observability;
using MailGate.Parse;
using MailGate.Spool;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Process;

/// <summary>
/// Looks up the DKIM/ARC keys a message needs, off the decision path: at most
/// <see cref="TrustOptions.MaxConcurrentVerifications"/> messages at once, each within
/// <see cref="TrustOptions.VerificationTimeout"/>, taking turns by client network
/// (<see cref="ClientNetwork"/>). The answers (and failures) land in the locator's cache, where the
/// decision's next verification finds them; they are held there for that message
/// (<see cref="DnsDkimPublicKeyLocator.Hold"/>) until the callback's handle is disposed.
/// </summary>
/// <remarks>
/// <para>Keys that verified trusted mail are pinned (<see cref="Trusted"/>) and kept fresh here, ahead of
/// their expiry, so a genuine page whose keys were seen before never waits for a lookup. A message whose
/// keys are all selectors of the domains of pinned keys (a new selector of <c>google.com</c>, say) is looked up
/// first, by a worker of its own, so a flood of hostile mail from many networks cannot hold it up: the
/// names it needs are answered by the domains that sign genuine mail, which a forger cannot slow down.</para>
/// </remarks>
internal sealed class KeyFetcher(
    DnsDkimPublicKeyLocator locator,
    PinnedKeysFile pinnedFile,
    IOptions<TrustOptions> trust,
    MailGateMetrics metrics,
    TimeProvider time,
    ILogger<KeyFetcher> logger) : IDisposable
{
    /// <summary>How often pinned keys are checked for an upcoming expiry.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long before its expiry a pinned key is looked up again.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(1);

    private readonly FairQueue<Job> _queue = new();
    private readonly FairQueue<Job> _first = new();

    /// <summary>How many messages wait for a turn (not counting those being looked up).</summary>
    public int Waiting => _queue.Count + _first.Count;

    /// <summary>
    /// Queues the lookup of <paramref name="names"/> for <paramref name="message"/>; <paramref name="done"/> is
    /// called once it ended (answered, failed or out of time) with a handle that holds the answers for the
    /// message's verification: dispose it once the message is decided.
    /// </summary>
    public void Enqueue(StoredMessage message, IReadOnlyList<string> names, Action<StoredMessage, IDisposable> done)
    {
        var network = ClientNetwork.Of(message.Envelope.Mail?.ClientAddress);
        (locator.AllInPinnedDomains(names) ? _first : _queue).Enqueue(network, new Job(message, names, done));
    }

    /// <summary>The keys <paramref name="names"/> verified a message the rules' trust policy trusts: pin them.</summary>
    public void Trusted(string spoolId, IReadOnlyList<string> names)
    {
        var added = names.Where(n => !locator.IsPinned(n)).ToArray();
        locator.Pin(names);
        if (added.Length > 0)
        {
            Log.KeysPinned(logger, spoolId, string.Join(", ", added));
            try
            {
                pinnedFile.Save(locator.PinnedNames);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.PinnedKeysNotSaved(logger, e.Message);
            }
        }
    }

    /// <summary>
    /// Pins the keys saved by the last run (<see cref="PinnedKeysFile"/>): called at start, before mail is
    /// taken; the refresh of pinned keys (<see cref="RunAsync"/>) looks them up at once.
    /// </summary>
    public void RestorePinned()
    {
        var restored = pinnedFile.Load();
        if (restored.Count > 0)
        {
            locator.Pin(restored.Reverse());
            Log.PinnedKeysRestored(logger, restored.Count, string.Join(", ", restored));
        }
    }

    /// <summary>Runs the workers and the refresh of pinned keys until <paramref name="stoppingToken"/> fires.</summary>
    public Task RunAsync(CancellationToken stoppingToken)
    {
        return Task.WhenAll(Enumerable.Range(0, trust.Value.MaxConcurrentVerifications)
            .Select(_ => Task.Run(() => WorkAsync(firstOnly: false, stoppingToken), CancellationToken.None))
            .Append(Task.Run(() => WorkAsync(firstOnly: true, stoppingToken), CancellationToken.None))
            .Append(Task.Run(() => RefreshPinnedAsync(stoppingToken), CancellationToken.None)));
    }

    public void Dispose()
    {
        _queue.Dispose();
        _first.Dispose();
    }

    private async Task WorkAsync(bool firstOnly, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Job job;
            try
            {
                job = firstOnly ? await _first.DequeueAsync(stoppingToken).ConfigureAwait(false)
                    : _first.TryDequeue(out var first) ? first
                    : await _queue.DequeueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var hold = locator.Hold(job.Names);
            using var budget = new CancellationTokenSource(trust.Value.VerificationTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, stoppingToken);
            var started = time.GetTimestamp();
            try
            {
                await locator.PrefetchAsync(job.Names, linked.Token).ConfigureAwait(false);
                metrics.KeyFetch("complete");
            }
            catch (OperationCanceledException) when (budget.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                metrics.KeyFetch("timeout");
                Log.KeyFetchTimedOut(logger, job.Message.Id, job.Names.Count, ClientNetwork.Of(job.Message.Envelope.Mail?.ClientAddress), trust.Value.VerificationTimeout);
            }
            catch (OperationCanceledException)
            {
                hold.Dispose();
                return; // shutting down: the message stays in the spool and resumes at the next start
            }

            Log.KeysFetched(logger, job.Message.Id, job.Names.Count, time.GetElapsedTime(started).TotalMilliseconds);
            job.Done(job.Message, hold);
        }
    }

    /// <summary>Looks pinned keys up again shortly before they expire (and while a refresh keeps failing), off every message's path.</summary>
    private async Task RefreshPinnedAsync(CancellationToken stoppingToken)
    {
        try
        {
            for (var round = 0; !stoppingToken.IsCancellationRequested; round++)
            {
                if (round > 0)
                {
                    await Task.Delay(RefreshInterval, time, stoppingToken).ConfigureAwait(false); // the first round at once: keys restored at start
                }

                var due = locator.PinnedDueForRefresh(RefreshMargin);
                if (due.Count == 0)
                {
                    continue;
                }

                using var budget = new CancellationTokenSource(trust.Value.VerificationTimeout, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, stoppingToken);
                try
                {
                    await locator.RefreshAsync(due, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (budget.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
                {
                    // Still looking: the lookups fill the cache when they end, and the next round asks again.
                }

                Log.PinnedKeysRefreshed(logger, due.Count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private sealed record Job(StoredMessage Message, IReadOnlyList<string> Names, Action<StoredMessage, IDisposable> Done);
}
