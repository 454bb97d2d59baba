using System.Buffers;
using System.IO.Pipelines;
using SmtpServer.Protocol;

namespace MailGate.Receive;

/// <summary>
/// Reads one SMTP DATA transfer (RFC 5321 §4.1.1.4) for <see cref="ClientReader"/>: measured and unstuffed with
/// <see cref="DataScanner"/>, bounded by <see cref="ClientLimits.MaxMessageSize"/> (a larger message is read to
/// its end and refused), under the idle deadline. The message (<see cref="ClientPipe.HandOver"/>) or its refusal
/// (<see cref="ClientPipe.RefuseData"/>) waits in the pipe for the store while SmtpServer reads a bare
/// end-of-data line.
/// </summary>
internal sealed class MessageDataReader(PipeReader inner, ClientPipe pipe, HandedRead handed)
{
    private static readonly SmtpResponse TooLarge = new(SmtpReplyCode.SizeLimitExceeded, "5.3.4 Message size exceeds fixed limit");

    private static readonly SmtpResponse Empty = new(SmtpReplyCode.TransactionFailed, "5.6.0 Empty message");

    /// <summary>The reply when <see cref="ClientLimits.Budget"/> has no room for the message (RFC 3463 4.3.1: try again later).</summary>
    internal static readonly SmtpResponse NoRoom = new(SmtpReplyCode.InsufficientStorage, "4.3.1 Insufficient system resources, try again later");

    /// <summary>The stand-in end-of-data line once the message (or its refusal) is in the pipe, or the end of input.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken)
    {
        var scanner = new DataScanner();
        // Where the bytes not yet fed to the scanner start in the (unconsumed) inner buffer; null: at its start.
        // A position, not an offset: slicing a long sequence by offset walks it from the start every time.
        SequencePosition? scanned = null;
        var dropping = false;
        var noRoom = false;
        while (true)
        {
            if (await ClientInput.ReadAsync(inner, pipe, cancellationToken).ConfigureAwait(false) is not { } result)
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
            if (!dropping && scanner.MessageBytes <= pipe.Limits.MaxMessageSize && !pipe.HoldData(scanner.MessageBytes))
            {
                // Too much DATA held by all sessions: read on to the end without keeping anything, then 452.
                pipe.ReleaseData();
                dropping = noRoom = true;
            }

            if (found >= 0)
            {
                var end = fresh.GetPosition(found);
                if (noRoom && scanner.MessageBytes <= pipe.Limits.MaxMessageSize)
                {
                    inner.AdvanceTo(end);
                    Log.DataBudgetFull(pipe.Report.Logger, pipe.Limits.Budget?.Limit ?? 0, scanner.MessageBytes, pipe.Report.SessionId, pipe.Report.ClientAddress);
                    pipe.Report.Rejected(452, "data_in_flight_full");
                    return RefuseData(NoRoom);
                }

                // An over-size message gets 552 even when the budget was full too: a 452 would have its sender
                // retry for days a message that can never be accepted.
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
                return handed.StandIn(buffer, end, ClientPipe.EndOfData);
            }

            if (scanner.MessageBytes > pipe.Limits.MaxMessageSize)
            {
                // Too large: read on to the end without keeping anything, then answer.
                pipe.ReleaseData();
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
                // The client went away in the middle of the message: its bytes no longer count (now, not when
                // SmtpServer gets round to ending the session).
                pipe.EndData();
                pipe.ReleaseData();
                return ClientInput.End(pipe);
            }
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

    private ReadResult RefuseData(SmtpResponse refusal)
    {
        pipe.EndData();
        pipe.RefuseData(refusal);
        return handed.StandInOnly(ClientPipe.EndOfData);
    }
}
