using System.Threading.Channels;
using MailGate.Spool;

namespace MailGate.Process;

/// <summary>
/// Hands committed messages from the SMTP sessions to the processor. Unbounded on purpose: every
/// entry is already safe on disk, an entry is tiny, and the SMTP session must never wait for rules or
/// PagerDuty before answering 250.
/// </summary>
public sealed class ProcessingInbox
{
    private readonly Channel<SpooledMessage> _channel = Channel.CreateUnbounded<SpooledMessage>(
        new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues a committed message.</summary>
    public void Enqueue(SpooledMessage message) => _channel.Writer.TryWrite(message);

    /// <summary>The processor's end.</summary>
    internal ChannelReader<SpooledMessage> Reader => _channel.Reader;
}
