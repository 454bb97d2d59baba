using MailGate.Observability;
using MailGate.Parse;
using MailGate.Parse.Authentication;
using MailGate.Spool;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Process;

/// <summary>
/// Looks up the DKIM/ARC keys a message needs, off the decision path: at most
/// <see cref="TrustOptions.MaxConcurrentVerifications"/> messages at once, each within
/// <see cref="TrustOptions.VerificationTimeout"/>, taking turns by client network
/// (<see cref="ClientNetwork"/>). The answers (and failures) land in the locator's cache, where the
/// decision's next verification finds them.
/// </summary>
internal sealed class KeyFetcher(
    DnsDkimPublicKeyLocator locator,
    IOptions<TrustOptions> trust,
    MailGateMetrics metrics,
    TimeProvider time,
    ILogger<KeyFetcher> logger) : IDisposable
{
    private readonly FairQueue<Job> _queue = new();

    /// <summary>How many messages wait for a turn (not counting those being looked up).</summary>
    public int Waiting => _queue.Count;

    /// <summary>Queues the lookup of <paramref name="names"/> for <paramref name="message"/>; <paramref name="done"/> is called once it ended (answered, failed or out of time).</summary>
    public void Enqueue(SpooledMessage message, IReadOnlyList<string> names, Action<SpooledMessage> done) =>
        _queue.Enqueue(ClientNetwork.Of(message.Envelope.ClientAddress), new Job(message, names, done));

    /// <summary>Runs the workers until <paramref name="stoppingToken"/> fires.</summary>
    public Task RunAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, trust.Value.MaxConcurrentVerifications).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None)));

    public void Dispose() => _queue.Dispose();

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Job job;
            try
            {
                job = await _queue.DequeueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

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
                Log.KeyFetchTimedOut(logger, job.Message.Id, job.Names.Count, ClientNetwork.Of(job.Message.Envelope.ClientAddress), trust.Value.VerificationTimeout);
            }
            catch (OperationCanceledException)
            {
                return; // shutting down: the message stays in the spool and resumes at the next start
            }

            Log.KeysFetched(logger, job.Message.Id, job.Names.Count, time.GetElapsedTime(started).TotalMilliseconds);
            job.Done(job.Message);
        }
    }

    private sealed record Job(SpooledMessage Message, IReadOnlyList<string> Names, Action<SpooledMessage> Done);
}
