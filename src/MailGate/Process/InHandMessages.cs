using MailGate.Core.Messages;
using System.Collections.Concurrent;

namespace MailGate.Process;

/// <summary>
/// Which messages the processor has in hand — being decided, having keys looked up, or decided and
/// tracked until finished — so that neither the inbox nor a scan of the spool takes one up twice; and
/// whose claims <see cref="LeaseKeeper"/> renews.
/// </summary>
internal sealed class InHandMessages
{
    /// <summary>Messages being decided, having keys looked up, or tracked: never queued again meanwhile.</summary>
    private readonly ConcurrentDictionary<string, StoredMessage> _inHand = new(StringComparer.Ordinal);

    /// <summary>Decided messages being delivered, or waiting for their state to be written.</summary>
    private readonly ConcurrentDictionary<string, MessageWork> _tracked = new(StringComparer.Ordinal);

    /// <summary>Takes <paramref name="message"/> in hand; false when it is in hand already.</summary>
    public bool TryTake(StoredMessage message) => _inHand.TryAdd(message.Id, message);

    /// <summary>Lets <paramref name="spoolId"/> go: the next scan (or queueing) may take it up again.</summary>
    public void Release(string spoolId) => _inHand.TryRemove(spoolId, out _);

    /// <summary>Whether <paramref name="spoolId"/> is in hand.</summary>
    public bool Contains(string spoolId) => _inHand.ContainsKey(spoolId);

    /// <summary>Keeps a decided message until it is finished (<see cref="Finished"/>).</summary>
    public void Track(MessageWork work) => _tracked[work.Message.Id] = work;

    /// <summary>Whether <paramref name="spoolId"/> is decided and tracked: its lanes or <see cref="UnsavedWork"/> own it.</summary>
    public bool IsTracked(string spoolId) => _tracked.ContainsKey(spoolId);

    /// <summary>The tracked work of <paramref name="spoolId"/>, or null.</summary>
    public MessageWork? Tracked(string spoolId) => _tracked.TryGetValue(spoolId, out var work) ? work : null;

    /// <summary>Every message in hand or tracked now (a snapshot; a message appears once).</summary>
    public IEnumerable<StoredMessage> Held() =>
        _inHand.Values.Concat(_tracked.Values.Select(w => w.Message)).DistinctBy(m => m.Id, StringComparer.Ordinal);

    /// <summary>The message left the active spool (or this gateway lost its claim on it): forget it.</summary>
    public void Finished(string spoolId)
    {
        _tracked.TryRemove(spoolId, out _);
        _inHand.TryRemove(spoolId, out _);
    }
}
