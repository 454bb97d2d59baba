using MailGate.Core.Messages;
using MailGate.Core.Deliver;
using MailGate.Core.Storage;
using MailGate.Deliver;
using MailGate.Spool;

namespace MailGate.Process;

/// <summary>
/// One message being processed: its spool entry and its state, shared by the route lanes that deliver
/// its events. The state in memory is the truth: every change is made there first, under one lock, and
/// then written to <c>state.json</c>. A write that fails loses nothing — the state stays in memory,
/// marked unwritten, and is written again later (<see cref="TryWrite"/>); nothing already done (an
/// event PagerDuty accepted) is ever done again because a write failed. A write refused because another
/// owner took the message over (<see cref="LeaseLostException"/>) drops it here instead (<see cref="Drop"/>):
/// nothing more is written or sent for it, its new owner resumes it from its last written state.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The source only ever cancels: no timer, nothing to release; a work lives until its message leaves the process.")]
internal sealed class MessageWork
{
    private readonly Lock _lock = new();
    private readonly IStateStore _store;
    private readonly Action<string>? _leaseLost;
    private readonly CancellationTokenSource _dropped = new();
    private ProcessingState _state;
    private int _version;
    private int _writtenVersion;

    /// <param name="message">The spool entry.</param>
    /// <param name="state">Its state.</param>
    /// <param name="store">Where the state is written.</param>
    /// <param name="written">Whether <paramref name="state"/> is what <c>state.json</c> holds already.</param>
    /// <param name="clock">When this process took the message up: delivery ages are measured from there.</param>
    /// <param name="leaseLost">Told the message's id when a write finds its claim taken over (<see cref="LeaseKeeper.Lost"/>).</param>
    public MessageWork(StoredMessage message, ProcessingState state, IStateStore store, bool written, DeliveryClock clock, Action<string>? leaseLost = null)
    {
        _leaseLost = leaseLost;
        Message = message;
        _state = state;
        _store = store;
        _version = written ? 0 : 1;
        Clock = clock;
    }

    public StoredMessage Message { get; private set; }

    /// <summary>When this process took the message up: delivery ages are measured from there.</summary>
    public DeliveryClock Clock { get; }

    /// <summary>Whether its pending deliveries were put in their lanes (only ever once the decision is written).</summary>
    public bool Dispatched { get; set; }

    /// <summary>Whether this gateway lost its claim on the message (<see cref="Drop"/>): nothing more is written or sent for it here.</summary>
    public bool IsDropped => _dropped.IsCancellationRequested;

    /// <summary>Fires when the message is dropped: cancels its deliveries in flight (a retry's wait, a request not started).</summary>
    public CancellationToken Dropping => _dropped.Token;

    /// <summary>The last failure to write the state or move the message; null after a success.</summary>
    public Exception? LastWriteError { get; private set; }

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

    /// <summary>Whether <c>state.json</c> holds the state in memory.</summary>
    public bool IsWritten
    {
        get
        {
            lock (_lock)
            {
                return _writtenVersion == _version;
            }
        }
    }

    /// <summary>Whether the folder was moved to <c>done/</c> or <c>dead/</c>.</summary>
    public bool IsMoved { get; private set; }

    /// <summary>As <see cref="IsMoved"/>, waiting for a move in flight to end.</summary>
    public bool IsMovedNow
    {
        get
        {
            lock (_lock)
            {
                return IsMoved;
            }
        }
    }

    /// <summary>Whether something is owed to the spool: an unwritten state, or a finished message not yet moved.</summary>
    public bool NeedsSettling
    {
        get
        {
            lock (_lock)
            {
                return !IsDropped && (_writtenVersion != _version || (Dispatched && _state.IsFinished && !IsMoved));
            }
        }
    }

    /// <summary>Records progress of delivery <paramref name="index"/> (still pending) and tries to write it.</summary>
    public void Update(int index, DeliveryRecord record)
    {
        lock (_lock)
        {
            _state = Replace(_state, index, record);
            _version++;
            WriteLocked();
        }
    }

    /// <summary>Records the final outcome of delivery <paramref name="index"/> and tries to write it; true when that finished the message.</summary>
    public bool Complete(int index, DeliveryRecord record)
    {
        lock (_lock)
        {
            var wasFinished = _state.IsFinished;
            _state = Replace(_state, index, record);
            _version++;
            WriteLocked();
            return !wasFinished && _state.IsFinished;
        }
    }

    /// <summary>Writes the state if <c>state.json</c> is behind; false when the write failed (see <see cref="LastWriteError"/>).</summary>
    public bool TryWrite()
    {
        lock (_lock)
        {
            return WriteLocked();
        }
    }

    /// <summary>
    /// Moves the message to <paramref name="area"/>, once: <paramref name="movedNow"/> is true only for the
    /// call that moved it. False when the move failed (see <see cref="LastWriteError"/>).
    /// </summary>
    public bool TryMove(SpoolArea area, out bool movedNow)
    {
        lock (_lock)
        {
            movedNow = false;
            if (IsMoved)
            {
                return true;
            }

            if (IsDropped)
            {
                return false;
            }

            try
            {
                Message = _store.Move(Message, area);
                IsMoved = movedNow = true;
                LastWriteError = null;
                return true;
            }
            catch (LeaseLostException)
            {
                LostLocked();
                return false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LastWriteError = e;
                return false;
            }
        }
    }

    private bool WriteLocked()
    {
        if (_writtenVersion == _version)
        {
            return true;
        }

        if (IsDropped)
        {
            return false;
        }

        try
        {
            _store.WriteState(Message, _state);
            _writtenVersion = _version;
            LastWriteError = null;
            return true;
        }
        catch (LeaseLostException)
        {
            LostLocked();
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LastWriteError = e;
            return false;
        }
    }

    /// <summary>
    /// Drops the message (its claim was lost to another owner): cancels its deliveries here, and every later write,
    /// move or send of it does nothing. Idempotent.
    /// </summary>
    public void Drop()
    {
        lock (_lock)
        {
            if (!IsDropped)
            {
                _dropped.Cancel();
            }
        }
    }

    /// <summary>A write was refused with <see cref="LeaseLostException"/>: drop the message and tell the lease keeper (which drops it everywhere else).</summary>
    private void LostLocked()
    {
        Drop();
        _leaseLost?.Invoke(Message.Id);
    }

    private static ProcessingState Replace(ProcessingState state, int index, DeliveryRecord record)
    {
        var deliveries = state.Deliveries.ToArray();
        deliveries[index] = record;
        return state with { Deliveries = deliveries };
    }
}
