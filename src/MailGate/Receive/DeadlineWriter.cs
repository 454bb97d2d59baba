using System.IO.Pipelines;

namespace MailGate.Receive;

/// <summary>
/// The client's side of the replies: each flush must be taken by the client within
/// <see cref="ClientLimits.IdleTimeout"/> (a client that pipelines without reading fills the socket buffers
/// and would otherwise hold its connection until the session timeout). A flush that cannot finish in time
/// ends the session: the exception is not a cancellation, so SmtpServer does not try to answer it.
/// </summary>
internal sealed class DeadlineWriter(PipeWriter inner, ClientPipe pipe) : PipeWriter
{
    public PipeWriter Inner => inner;

    public override void Advance(int bytes) => inner.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        var flush = inner.FlushAsync(cancellationToken);
        if (flush.IsCompleted)
        {
            return flush.Result;
        }

        using var deadline = new CancellationTokenSource(pipe.Limits.IdleTimeout, pipe.Time);
        try
        {
            return await flush.AsTask().WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.ClientNotReading(pipe.Report.Logger, pipe.Report.SessionId, pipe.Report.ClientAddress, pipe.Limits.IdleTimeout);
            pipe.Report.Rejected(421, "write_timeout");
            pipe.Ended = true;
            throw new TimeoutException("The client did not take a reply in time");
        }
    }
}
