using System.Buffers;
using System.IO.Pipelines;

namespace MailGate.Receive;

/// <summary>The client's input under the session's idle deadline (<see cref="ClientLimits.IdleTimeout"/>), and its end.</summary>
internal static class ClientInput
{
    /// <summary>The read result that tells SmtpServer the input has ended: it then ends the session.</summary>
    public static readonly ReadResult EndOfInput = new(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);

    /// <summary>Reads from the client; null when nothing arrived within the idle timeout.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async ValueTask<ReadResult?> ReadAsync(PipeReader inner, ClientPipe pipe, CancellationToken cancellationToken)
    {
        if (inner.TryRead(out var ready))
        {
            return ready;
        }

        var deadline = pipe.ReadDeadline;
        try
        {
            return await inner.ReadAsync(deadline.Arm(cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.Passed && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            deadline.Disarm();
        }
    }

    /// <summary>Marks the session's input ended and returns <see cref="EndOfInput"/>.</summary>
    public static ReadResult End(ClientPipe pipe)
    {
        pipe.Ended = true;
        return EndOfInput;
    }
}
