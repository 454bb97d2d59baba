using MailGate.Core.Messages;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace MailGate.Spool;

/// <summary>
/// Hands committed messages from the SMTP sessions (and the spool scan) to the processor, at most one
/// copy of each: a message already waiting here is not queued again. Unbounded on purpose: every entry
/// is already safe on disk, an entry is tiny, and the SMTP session must never wait for rules or
/// PagerDuty before answering 250.
/// </summary>
public sealed class ProcessingInbox
{
    private readonly Channel<StoredMessage> _channel = Channel.CreateUnbounded<StoredMessage>(
        new UnboundedChannelOptions { SingleReader = true });

    private readonly ConcurrentDictionary<string, StoredMessage> _waiting = new(StringComparer.Ordinal);

    /// <summary>Queues a committed message, unless it is waiting here already.</summary>
    public void Enqueue(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_waiting.TryAdd(message.Id, message))
        {
            _channel.Writer.TryWrite(message);
        }
    }

    /// <summary>Whether <paramref name="spoolId"/> is waiting here.</summary>
    internal bool Contains(string spoolId) => _waiting.ContainsKey(spoolId);

    /// <summary>The messages waiting here now (a snapshot): claimed by this gateway, their leases renewed while they wait.</summary>
    internal IReadOnlyCollection<StoredMessage> Waiting => [.. _waiting.Values];

    /// <summary>Takes <paramref name="spoolId"/> out without handing it over (its claim was lost); a later <see cref="Enqueue"/> queues it again.</summary>
    internal void Drop(string spoolId) => _waiting.TryRemove(spoolId, out _);

    /// <summary>The processor's end: each message as it is taken out (after which it may be queued again); a dropped one is skipped.</summary>
    internal async IAsyncEnumerable<StoredMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var message in _channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_waiting.TryRemove(message.Id, out _))
            {
                yield return message;
            }
        }
    }
}
