namespace MailGate.Receive;

/// <summary>
/// The idle deadline of one session's reads (<see cref="ClientLimits.IdleTimeout"/>): armed for each read that has to
/// wait, disarmed after it. One timer and one linked source serve the whole session, instead of two sources, a
/// timer and their registrations for every read: a 100 KiB DATA arrives in dozens of socket reads, and those
/// per-read objects were the largest garbage of the receive path (bench/SYSTEM.md, "Memory: where the bytes went").
/// </summary>
/// <remarks>
/// A session reads one thing at a time, so <see cref="Arm"/> and <see cref="Disarm"/> are never called concurrently;
/// only <see cref="Dispose"/> (at the session's end) may race a read's end, and then the read's
/// <see cref="Disarm"/> does nothing. A deadline that has passed is replaced at the next <see cref="Arm"/>: every read
/// gets a whole <see cref="ClientLimits.IdleTimeout"/>, as with a fresh source per read.
/// </remarks>
internal sealed class ReadDeadline(TimeSpan timeout, TimeProvider time) : IDisposable
{
    private CancellationTokenSource? _idle;
    private CancellationTokenSource? _linked;
    private CancellationToken _linkedTo;
    private volatile bool _disposed;

    /// <summary>Whether the deadline of the current (or last) read has passed.</summary>
    public bool Passed => _idle is { IsCancellationRequested: true };

    /// <summary>Starts the deadline for one read; the token that read waits on is cancelled when the deadline passes or <paramref name="cancellationToken"/> is.</summary>
    /// <exception cref="ObjectDisposedException">The session has ended.</exception>
    public CancellationToken Arm(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle is null || _idle.IsCancellationRequested)
        {
            Release();
            _idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        }

        if (cancellationToken.CanBeCanceled && (_linked is null || _linkedTo != cancellationToken))
        {
            _linked?.Dispose();
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token);
            _linkedTo = cancellationToken;
        }

        _idle.CancelAfter(timeout);
        return cancellationToken.CanBeCanceled ? _linked!.Token : _idle.Token;
    }

    /// <summary>Stops the deadline after a read (unless it has passed, or the session has ended).</summary>
    public void Disarm()
    {
        try
        {
            if (!_disposed && _idle is { IsCancellationRequested: false } idle)
            {
                idle.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
        catch (ObjectDisposedException)
        {
            // the session ended while this read finished
        }
    }

    /// <summary>Frees the timer and the link to the caller's token (at the session's end).</summary>
    public void Dispose()
    {
        _disposed = true;
        Release();
    }

    private void Release()
    {
        _linked?.Dispose();
        _linked = null;
        _linkedTo = default;
        _idle?.Dispose();
        _idle = null;
    }
}
