using MailGate.Core.Messages;
using System.Collections.Concurrent;
using MailGate.Spool;

namespace MailGate.Process;

/// <summary>
/// Messages whose DKIM/ARC keys <see cref="KeyFetcher"/> just looked up, with the hold that keeps those
/// answers usable: the message is queued again, and its next verification takes what the cache has.
/// </summary>
internal sealed class FetchedKeys(InHandMessages inHand, ProcessingInbox inbox)
{
    private readonly ConcurrentDictionary<string, IDisposable> _holds = new(StringComparer.Ordinal);

    /// <summary>The key lookups of <paramref name="message"/> ended: queue it to be decided, its answers held by <paramref name="hold"/>.</summary>
    public void Done(StoredMessage message, IDisposable hold)
    {
        if (_holds.TryGetValue(message.Id, out var earlier))
        {
            earlier.Dispose();
        }

        _holds[message.Id] = hold;
        inHand.Release(message.Id);
        inbox.Enqueue(message);
    }

    /// <summary>The hold of <paramref name="spoolId"/>'s looked-up keys, taken (dispose it once decided); null when its keys were not looked up.</summary>
    public IDisposable? Take(string spoolId) => _holds.TryRemove(spoolId, out var hold) ? hold : null;
}
