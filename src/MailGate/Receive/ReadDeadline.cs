namespace MailGate.Receive;

/// <summary>
/// The idle deadline of one session's reads (<see cref="ClientLimits.IdleTimeout"/>): armed for each read that has to
/// wait, disarmed after it. One timer and one linked source serve the whole session, instead of two sources, a
/// timer and their registrations for every read: a 100 KiB DATA arrives in dozens of socket reads, and those
/// per-read objects were the largest garbage of the receive path (bench/SYSTEM.md, "Memory: where the bytes went").
/// </summary>
/// <remarks>
/// <para>
/// A session reads one thing at a time, so <see cref="Arm"/> and <see cref="Disarm"/> are never called concurrently;
/// only the timer's callback and <see cref="Dispose"/> (at the session's end) may race them, hence the lock. A deadline
/// that has passed is replaced at the next <see cref="Arm"/>: every read gets a whole
/// <see cref="ClientLimits.IdleTimeout"/>, as with a fresh source per read.
/// </para>
/// <para>
/// The timer is this class's own, not the source's (<see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>): a
/// timer callback may run after its timer was changed (the system timer queue hands due callbacks to the thread pool,
/// which may run them late), so the callback cancels only when the read armed now has waited its whole timeout, and
/// otherwise waits for the rest. Through the source's own timer, the late callback of a read that got its bytes just
/// in time cancelled the next read at once.
/// </para>
/// </remarks>
internal sealed class ReadDeadline : IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private CancellationTokenSource _idle = new();
    private CancellationTokenSource? _linked;
    private CancellationToken _linkedTo;
    private bool _armed;
    private long _armedAt;
    private volatile bool _passed;
    private bool _disposed;

    /// <param name="timeout">The whole wait each read is allowed.</param>
    /// <param name="time">The clock and the timer.</param>
    public ReadDeadline(TimeSpan timeout, TimeProvider time)
    {
        _timeout = timeout;
        _time = time;
        var flow = ExecutionContext.IsFlowSuppressed() ? (AsyncFlowControl?)null : ExecutionContext.SuppressFlow();
        try
        {
            // The session's execution context (log scopes) is not kept alive by its timer.
            _timer = time.CreateTimer(static state => ((ReadDeadline)state!).Expire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        finally
        {
            flow?.Undo();
        }
    }

    /// <summary>Whether the deadline of the current (or last) read has passed.</summary>
    public bool Passed => _passed;

    /// <summary>Starts the deadline for one read; the token that read waits on is cancelled when the deadline passes or <paramref name="cancellationToken"/> is.</summary>
    /// <exception cref="ObjectDisposedException">The session has ended.</exception>
    public CancellationToken Arm(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_passed)
            {
                // The old source may still be cancelled by a callback running now: it is dropped, not disposed (it has no timer).
                _linked?.Dispose();
                _linked = null;
                _idle = new CancellationTokenSource();
                _passed = false;
            }

            if (cancellationToken.CanBeCanceled && (_linked is null || _linkedTo != cancellationToken))
            {
                _linked?.Dispose();
                _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token);
                _linkedTo = cancellationToken;
            }

            _armed = true;
            _armedAt = _time.GetTimestamp();
            _timer.Change(_timeout, Timeout.InfiniteTimeSpan);
            return cancellationToken.CanBeCanceled ? _linked!.Token : _idle.Token;
        }
    }

    /// <summary>Stops the deadline after a read (unless it has passed, or the session has ended).</summary>
    public void Disarm()
    {
        lock (_gate)
        {
            if (_disposed || !_armed)
            {
                return;
            }

            _armed = false;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Frees the timer and the link to the caller's token (at the session's end).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _armed = false;
            _timer.Dispose();
            _linked?.Dispose();
            _linked = null;
            _linkedTo = default;
            _idle.Dispose();
        }
    }

    /// <summary>The timer's callback: cancels the armed read once it has waited its whole timeout; early or stale, waits for the rest.</summary>
    private void Expire()
    {
        CancellationTokenSource idle;
        lock (_gate)
        {
            if (_disposed || !_armed || _passed)
            {
                return;
            }

            var waited = _time.GetElapsedTime(_armedAt);
            if (waited < _timeout)
            {
                var rest = _timeout - waited;
                _timer.Change(rest < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : rest, Timeout.InfiniteTimeSpan);
                return;
            }

            _passed = true;
            idle = _idle;
        }

        // Outside the lock: the read's cancellation may run its continuation here. A read armed meanwhile has a fresh source.
        try
        {
            idle.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the session ended meanwhile
        }
    }
}
