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

    private readonly ConcurrentDictionary<string, byte> _waiting = new(StringComparer.Ordinal);

    /// <summary>Queues a committed message, unless it is waiting here already.</summary>
    public void Enqueue(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_waiting.TryAdd(message.Id, 0))
        {
            _channel.Writer.TryWrite(message);
        }
    }

    /// <summary>Whether <paramref name="spoolId"/> is waiting here.</summary>
    internal bool Contains(string spoolId) => _waiting.ContainsKey(spoolId);

    /// <summary>The processor's end: each message as it is taken out (after which it may be queued again).</summary>
    internal async IAsyncEnumerable<StoredMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var message in _channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            _waiting.TryRemove(message.Id, out _);
            yield return message;
        }
    }
}
