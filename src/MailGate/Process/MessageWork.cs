using MailGate.Spool;

namespace MailGate.Process;

/// <summary>
/// One message being processed: its spool entry and its state, shared by the route lanes that deliver
/// its events. Every change is written to <c>state.json</c> under one lock, so lanes never overwrite
/// each other's progress.
/// </summary>
internal sealed class MessageWork(SpooledMessage message, ProcessingState state)
{
    private readonly Lock _lock = new();
    private ProcessingState _state = state;

    public SpooledMessage Message { get; } = message;

    public ProcessingState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Records progress of delivery <paramref name="index"/> (still pending).</summary>
    public void Update(int index, DeliveryRecord record)
    {
        lock (_lock)
        {
            _state = Replace(_state, index, record);
            SpoolStore.WriteState(Message, _state);
        }
    }

    /// <summary>Records the final outcome of delivery <paramref name="index"/>; true when that finished the message.</summary>
    public bool Complete(int index, DeliveryRecord record)
    {
        lock (_lock)
        {
            var wasFinished = _state.IsFinished;
            _state = Replace(_state, index, record);
            SpoolStore.WriteState(Message, _state);
            return !wasFinished && _state.IsFinished;
        }
    }

    private static ProcessingState Replace(ProcessingState state, int index, DeliveryRecord record)
    {
        var deliveries = state.Deliveries.ToArray();
        deliveries[index] = record;
        return state with { Deliveries = deliveries };
    }
}
