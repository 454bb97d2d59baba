using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace MailGate.Receive;

/// <summary>
/// Reads SMTP command lines (RFC 5321 §4.1.1) for <see cref="ClientReader"/>: bounded by
/// <see cref="CommandScreen.MaxLineLength"/>, screened by <see cref="CommandScreen"/> (a line may be answered
/// here, or handed to SmtpServer rewritten), under the idle deadline.
/// </summary>
internal sealed class CommandLineReader(PipeReader inner, ClientPipe pipe, HandedRead handed)
{
    /// <summary>The next complete command line (maybe more), a stand-in for it, or the end of input.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await ClientInput.ReadAsync(inner, pipe, cancellationToken).ConfigureAwait(false) is not { } result)
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
                    return handed.Inner(result);
                }

                inner.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            var line = buffer.Slice(0, end);
            var screened = CommandScreen.Screen(line, pipe.AcceptedRecipients, pipe.Limits.MaxRecipients, pipe.Limits.ServerName);
            if (screened.Rewritten is { } rewritten)
            {
                return handed.StandIn(buffer, end, rewritten);
            }

            if (screened.Reply is not { } reply)
            {
                // A complete line is answered even when the client has stopped sending after it.
                return handed.Inner(new ReadResult(buffer, result.IsCanceled, isCompleted: false));
            }

            Answered(line, reply, screened.Reason);
            inner.AdvanceTo(end);
            if (!await pipe.TryWriteReplyAsync(reply).ConfigureAwait(false))
            {
                return ClientInput.End(pipe);
            }
        }
    }

    /// <summary>The position just past the first CRLF within <see cref="CommandScreen.MaxLineLength"/> bytes, if any.</summary>
    internal static SequencePosition? FindLineEnd(ReadOnlySequence<byte> buffer)
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
        return ClientInput.End(pipe);
    }
}
