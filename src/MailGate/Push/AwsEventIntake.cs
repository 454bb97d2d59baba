using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Storage;
using MailGate.HealthEvents;
using MailGate.Spool;
using Microsoft.Extensions.Options;

namespace MailGate.Push;

/// <summary>
/// Stores pushed Health events: each (event, account, update) once, durably, then queues it for processing — the
/// same path as mail and polled events. A delivery already stored (EventBridge's or SNS's retry, the same event
/// from both, a second rule) is recognised by a marker kept in the storage's cursors of <see cref="Poller"/>
/// (the file spool: <c>{Spool:Path}/aws-events/</c>; PostgreSQL: its cursor table), written after the commit.
/// </summary>
/// <remarks>
/// The marker's identity is <see cref="HealthEvent.Identity"/> (event ARN and account — also the dedup key's
/// source, so a pushed and a polled copy make one incident) plus the event's <c>lastUpdatedTime</c> and status:
/// a later update of the same event is stored (and deduplicated downstream by the rules' dedup key), an identical
/// delivery is not. One intake at a time per process, so two concurrent copies cannot both be stored here; across
/// replicas a race stores two copies, which the delivery ledger still sends once.
/// <para>With <c>Health:ResolveEvents</c>, a <c>closed</c> event is also stored once as a <c>resolve</c>, exactly as the
/// poller does, unless either way in already resolved the pair (<see cref="HealthResolutions"/>).</para>
/// </remarks>
internal sealed class AwsEventIntake(
    IMessageIntake storage, IPollerCursors cursors, HealthResolutions resolutions, IOptions<HealthOptions> health, ProcessingInbox inbox, TimeProvider time) : IDisposable
{
    /// <summary>The marker store's name in <see cref="IPollerCursors"/>.</summary>
    public const string Poller = HealthResolutions.Store;

    private readonly ICursorDocuments _seen = cursors.Cursors(Poller);
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Stores <paramref name="healthEvent"/> unless it was stored before (and its resolve, when due); returns the new spool id (the resolve's when one was stored), or null for a duplicate.</summary>
    /// <param name="healthEvent">The event as read from the push.</param>
    /// <param name="channel">How it came: <c>eventbridge</c> or <c>sns</c>.</param>
    /// <param name="cancellationToken">Stops the commit (nothing is stored then).</param>
    /// <exception cref="IOException">The storage could not commit it (answer 5xx: the sender retries).</exception>
    public async Task<string?> StoreAsync(HealthEvent healthEvent, string channel, CancellationToken cancellationToken)
    {
        var marker = MarkerKey(healthEvent);
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var seen = _seen.Read(marker) is not null;
            var resolve = health.Value.ResolveEvents && healthEvent.IsClosed && !resolutions.WasResolved(healthEvent.Identity);
            if (seen && !resolve)
            {
                return null;
            }

            var id = seen ? null : await CommitAsync(healthEvent, new HealthEventOrigin(channel), cancellationToken).ConfigureAwait(false);
            if (resolve)
            {
                id = await CommitAsync(healthEvent, new HealthEventOrigin(channel, Resolve: true), cancellationToken).ConfigureAwait(false);
                resolutions.MarkResolved(healthEvent.Identity);
            }

            _seen.Write(marker, Encoding.UTF8.GetBytes(healthEvent.Identity.Length > 4096 ? healthEvent.Identity[..4096] : healthEvent.Identity));
            return id;
        }
        finally
        {
            _one.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _one.Dispose();

    private async Task<string> CommitAsync(HealthEvent healthEvent, HealthEventOrigin origin, CancellationToken cancellationToken)
    {
        var message = await storage.CommitAsync(
            Envelope.ForHealthEvent(origin, time.GetUtcNow()),
            new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(healthEvent.Json)),
            cancellationToken).ConfigureAwait(false);
        inbox.Enqueue(message);
        return message.Id;
    }

    /// <summary><c>e-</c> and 40 hex digits of SHA-256 over the identity, <c>lastUpdatedTime</c> and status (a valid cursor key).</summary>
    public static string MarkerKey(HealthEvent healthEvent) =>
        "e-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{healthEvent.Identity}\n{healthEvent.LastUpdatedTimeText}\n{healthEvent.Status}")))[..40];
}
