using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using SmtpServer.Protocol;

namespace MailGate.Receive;

/// <summary>
/// The client's bytes as SmtpServer reads them, with <see cref="ClientPipe"/>'s rules applied: idle
/// deadlines, screened and bounded command lines, measured DATA. See <see cref="ClientPipe"/>.
/// </summary>
/// <remarks>
/// SmtpServer reads a command line or a whole message with one loop that remembers positions in the
/// buffers it was given. So this reader hands it, at the first read of each loop, either a complete
/// command line (maybe more), or a stand-in of its own: a rewritten command line, or, for a whole DATA
/// transfer, a bare end-of-data line while the message (<see cref="ClientPipe.TakeMessage"/>) or its
/// refusal (<see cref="ClientPipe.TakeDataRefusal"/>) waits in the pipe for the store. The loop then never
/// needs a second read.
/// </remarks>
internal sealed class ClientReader(PipeReader inner, ClientPipe pipe) : PipeReader
{
    private static readonly SmtpResponse TooLarge = new(SmtpReplyCode.SizeLimitExceeded, "5.3.4 Message size exceeds fixed limit");

    private static readonly SmtpResponse Empty = new(SmtpReplyCode.TransactionFailed, "5.6.0 Empty message");

    private static readonly ReadResult EndOfInput = new(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);

    // What the last result handed out stands for, so that AdvanceTo can be applied to the inner reader.
    private Handed _handed;
    private ReadOnlySequence<byte> _held;
    private SequencePosition _standInConsumes;

    private enum Handed
    {
        Nothing,
        Inner,       // an inner buffer: AdvanceTo goes through
        StandIn,     // a line of ours for a held inner line: consuming it consumes the held line
        StandInOnly, // a line of ours, the inner reader already advanced
    }

    public PipeReader Inner => inner;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_handed == Handed.Inner)
        {
            // SmtpServer did not advance (it stopped at the end of input): consume nothing.
            AdvanceTo(_held.Start);
        }

        if (pipe.Ended)
        {
            return EndOfInput;
        }

        return pipe.InData
            ? await ReadMessageAsync(cancellationToken).ConfigureAwait(false)
            : await ReadCommandAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        var handed = _handed;
        _handed = Handed.Nothing;
        switch (handed)
        {
            case Handed.Inner:
                inner.AdvanceTo(consumed, examined);
                break;
            case Handed.StandIn:
                inner.AdvanceTo(_standInConsumes);
                break;
            case Handed.StandInOnly:
                break;
            default:
                throw new InvalidOperationException("AdvanceTo without a read in progress.");
        }
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    // SmtpServer only uses ReadAsync; a synchronous read would bypass the rules.
    public override bool TryRead(out ReadResult result)
    {
        result = default;
        return false;
    }

    public override void Complete(Exception? exception = null)
    {
        pipe.ReleaseSlot();
        inner.Complete(exception);
    }

    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        pipe.ReleaseSlot();
        return inner.CompleteAsync(exception);
    }

    private async ValueTask<ReadResult> ReadCommandAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await ReadInnerAsync(cancellationToken).ConfigureAwait(false) is not { } result)
            {
                return await EndIdleAsync("waiting for a command").ConfigureAwait(false);
            }

            var buffer = result.Buffer;
            var lineEnd = FindLineEnd(buffer);
            if (lineEnd is not { } end)
            {
                if (buffer.Length > CommandScreen.MaxLineLength)
                {
                    inner.AdvanceTo(buffer.End);
                    Log.CommandLineTooLong(pipe.Report.Logger, pipe.Report.SessionId, pipe.Report.ClientAddress, CommandScreen.MaxLineLength);
                    pipe.Report.Rejected(500, "line_too_long");
                    return await EndAsync("500 5.5.0 Line too long").ConfigureAwait(false);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    return Hand(result);
                }

                inner.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            var line = buffer.Slice(0, end);
            var screened = CommandScreen.Screen(line, pipe.AcceptedRecipients, pipe.Limits.MaxRecipients, pipe.Limits.ServerName);
            if (screened.Rewritten is { } rewritten)
            {
                _held = buffer;
                _standInConsumes = end;
                _handed = Handed.StandIn;
                return new ReadResult(new ReadOnlySequence<byte>(rewritten), isCanceled: false, isCompleted: false);
            }

            if (screened.Reply is not { } reply)
            {
                // A complete line is answered even when the client has stopped sending after it.
                return Hand(new ReadResult(buffer, result.IsCanceled, isCompleted: false));
            }

            Answered(line, reply, screened.Reason);
            inner.AdvanceTo(end);
            if (!await pipe.TryWriteReplyAsync(reply).ConfigureAwait(false))
            {
                return End();
            }
        }
    }

    private async ValueTask<ReadResult> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var scanner = new DataScanner();
        // Where the bytes not yet fed to the scanner start in the (unconsumed) inner buffer; null: at its start.
        // A position, not an offset: slicing a long sequence by offset walks it from the start every time.
        SequencePosition? scanned = null;
        var dropping = false;
        while (true)
        {
            if (await ReadInnerAsync(cancellationToken).ConfigureAwait(false) is not { } result)
            {
                // Answer through the store, then end the session at the next read.
                Log.ClientIdle(pipe.Report.Logger, pipe.Report.SessionId, pipe.Report.ClientAddress, pipe.Limits.IdleTimeout, "receiving DATA");
                pipe.Report.Rejected(421, "idle_timeout");
                pipe.Ended = true;
                return RefuseData(pipe.IdleResponse);
            }

            var buffer = result.Buffer;
            var fresh = scanned is { } from ? buffer.Slice(from) : buffer;
            var found = Feed(ref scanner, fresh);
            if (found >= 0)
            {
                var end = fresh.GetPosition(found);
                if (dropping || scanner.MessageBytes > pipe.Limits.MaxMessageSize)
                {
                    inner.AdvanceTo(end);
                    Log.MessageTooLarge(pipe.Report.Logger, scanner.MessageBytes, pipe.Limits.MaxMessageSize, pipe.Report.SessionId, pipe.Report.ClientAddress);
                    pipe.Report.Rejected(552, "message_too_large");
                    return RefuseData(TooLarge);
                }

                if (scanner.MessageBytes == 0)
                {
                    // ".CRLF" right after 354: SmtpServer would wait for a CRLF before the dot forever.
                    inner.AdvanceTo(end);
                    Log.EmptyMessage(pipe.Report.Logger, pipe.Report.SessionId, pipe.Report.ClientAddress);
                    pipe.Report.Rejected(554, "empty_message");
                    return RefuseData(Empty);
                }

                // The store takes the message from the pipe while SmtpServer reads a bare end-of-data line;
                // the bytes are consumed when SmtpServer consumes that line, after the store has returned.
                var content = buffer.Slice(0, buffer.Slice(0, end).Length - ClientPipe.EndOfData.Length);
                pipe.EndData();
                pipe.HandOver(scanner.TransparencyDots == 0 ? content : DataScanner.Unstuff(content));
                _held = buffer;
                _standInConsumes = end;
                _handed = Handed.StandIn;
                return new ReadResult(new ReadOnlySequence<byte>(ClientPipe.EndOfData), isCanceled: false, isCompleted: false);
            }

            if (scanner.MessageBytes > pipe.Limits.MaxMessageSize)
            {
                // Too large: read on to the end without keeping anything, then answer.
                dropping = true;
            }

            if (dropping)
            {
                inner.AdvanceTo(buffer.End);
                scanned = null;
            }
            else
            {
                inner.AdvanceTo(buffer.Start, buffer.End);
                scanned = buffer.End;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                // The client went away in the middle of the message.
                pipe.EndData();
                return End();
            }
        }
    }

    /// <summary>Reads from the client; null when nothing arrived within the idle timeout.</summary>
    private async ValueTask<ReadResult?> ReadInnerAsync(CancellationToken cancellationToken)
    {
        if (inner.TryRead(out var ready))
        {
            return ready;
        }

        using var idle = new CancellationTokenSource(pipe.Limits.IdleTimeout, pipe.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        try
        {
            return await inner.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static int Feed(ref DataScanner scanner, ReadOnlySequence<byte> data)
    {
        long offset = 0;
        foreach (var segment in data)
        {
            var found = scanner.Feed(segment.Span);
            if (found >= 0)
            {
                return checked((int)(offset + found));
            }

            offset += segment.Length;
        }

        return -1;
    }

    /// <summary>The position just past the first CRLF within <see cref="CommandScreen.MaxLineLength"/> bytes, if any.</summary>
    private static SequencePosition? FindLineEnd(ReadOnlySequence<byte> buffer)
    {
        var window = buffer.Length > CommandScreen.MaxLineLength ? buffer.Slice(0, CommandScreen.MaxLineLength) : buffer;
        var reader = new SequenceReader<byte>(window);
        while (reader.TryAdvanceTo((byte)'\n'))
        {
            if (reader.Consumed >= 2 && window.Slice(reader.Consumed - 2, 1).FirstSpan[0] == (byte)'\r')
            {
                return reader.Position;
            }
        }

        return null;
    }

    private ReadResult Hand(ReadResult result)
    {
        _held = result.Buffer;
        _handed = Handed.Inner;
        return result;
    }

    private ReadResult RefuseData(SmtpResponse refusal)
    {
        pipe.EndData();
        pipe.RefuseData(refusal);
        _handed = Handed.StandInOnly;
        return new ReadResult(new ReadOnlySequence<byte>(ClientPipe.EndOfData), isCanceled: false, isCompleted: false);
    }

    private void Answered(ReadOnlySequence<byte> line, string reply, string? reason)
    {
        var verb = Encoding.ASCII.GetString(line.Slice(0, Math.Min(4, line.Length))).ToUpperInvariant();
        if (reason is not null)
        {
            pipe.Report.Rejected(int.Parse(reply.AsSpan(0, 3), System.Globalization.CultureInfo.InvariantCulture), reason);
        }

        if (reason == "too_many_recipients" && !pipe.RecipientCapReported())
        {
            Log.MailRefused(pipe.Report.Logger, "too many recipients", reply, pipe.Report.SessionId);
        }

        Log.CommandScreened(pipe.Report.Logger, verb, reply, pipe.Report.SessionId, pipe.Report.ClientAddress);
    }

    private async ValueTask<ReadResult> EndIdleAsync(string phase)
    {
        Log.ClientIdle(pipe.Report.Logger, pipe.Report.SessionId, pipe.Report.ClientAddress, pipe.Limits.IdleTimeout, phase);
        pipe.Report.Rejected(421, "idle_timeout");
        return await EndAsync(pipe.IdleReply).ConfigureAwait(false);
    }

    /// <summary>Sends the last reply and reports the end of input: SmtpServer then ends the session.</summary>
    private async ValueTask<ReadResult> EndAsync(string reply)
    {
        await pipe.TryWriteReplyAsync(reply).ConfigureAwait(false);
        return End();
    }

    private ReadResult End()
    {
        pipe.Ended = true;
        return EndOfInput;
    }
}
