using System.Collections.Concurrent;

namespace MailGate.Process;

/// <summary>
/// Which messages the processor has in hand — being decided, having keys looked up, or decided and
/// tracked until finished — so that neither the inbox nor a scan of the spool takes one up twice.
/// </summary>
internal sealed class InHandMessages
{
    /// <summary>Messages being decided, having keys looked up, or tracked: never queued again meanwhile.</summary>
    private readonly ConcurrentDictionary<string, byte> _inHand = new(StringComparer.Ordinal);

    /// <summary>Decided messages being delivered, or waiting for their state to be written.</summary>
    private readonly ConcurrentDictionary<string, MessageWork> _tracked = new(StringComparer.Ordinal);

    /// <summary>Takes <paramref name="spoolId"/> in hand; false when it is in hand already.</summary>
    public bool TryTake(string spoolId) => _inHand.TryAdd(spoolId, 0);

    /// <summary>Lets <paramref name="spoolId"/> go: the next scan (or queueing) may take it up again.</summary>
    public void Release(string spoolId) => _inHand.TryRemove(spoolId, out _);

    /// <summary>Whether <paramref name="spoolId"/> is in hand.</summary>
    public bool Contains(string spoolId) => _inHand.ContainsKey(spoolId);

    /// <summary>Keeps a decided message until it is finished (<see cref="Finished"/>).</summary>
    public void Track(MessageWork work) => _tracked[work.Message.Id] = work;

    /// <summary>Whether <paramref name="spoolId"/> is decided and tracked: its lanes or <see cref="UnsavedWork"/> own it.</summary>
    public bool IsTracked(string spoolId) => _tracked.ContainsKey(spoolId);

    /// <summary>The message left the active spool: forget it.</summary>
    public void Finished(string spoolId)
    {
        _tracked.TryRemove(spoolId, out _);
        _inHand.TryRemove(spoolId, out _);
    }
}
