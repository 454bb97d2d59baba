using System.Buffers;
using System.IO.Pipelines;

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
internal sealed class ClientReader : PipeReader
{
    private readonly ClientPipe _pipe;
    private readonly HandedRead _handed = new();
    private readonly CommandLineReader _commands;
    private readonly MessageDataReader _data;

    /// <summary>Creates the reader over the client's <paramref name="inner"/> reader (replaced after STARTTLS).</summary>
    public ClientReader(PipeReader inner, ClientPipe pipe)
    {
        Inner = inner;
        _pipe = pipe;
        _commands = new CommandLineReader(inner, pipe, _handed);
        _data = new MessageDataReader(inner, pipe, _handed);
    }

    /// <summary>The client's reader this one reads from.</summary>
    public PipeReader Inner { get; }

    /// <inheritdoc/>
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_handed.IsInner)
        {
            // SmtpServer did not advance (it stopped at the end of input): consume nothing.
            AdvanceTo(_handed.HeldStart);
        }

        if (_pipe.Ended)
        {
            return ClientInput.EndOfInput;
        }

        return _pipe.InData
            ? await _data.ReadAsync(cancellationToken).ConfigureAwait(false)
            : await _commands.ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    /// <inheritdoc/>
    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => _handed.Advance(Inner, consumed, examined);

    /// <inheritdoc/>
    public override void CancelPendingRead() => Inner.CancelPendingRead();

    /// <summary>Never reads: SmtpServer only uses <see cref="ReadAsync"/>, and a synchronous read would bypass the rules.</summary>
    public override bool TryRead(out ReadResult result)
    {
        result = default;
        return false;
    }

    /// <inheritdoc/>
    public override void Complete(Exception? exception = null)
    {
        _pipe.ReleaseSlot();
        Inner.Complete(exception);
    }

    /// <inheritdoc/>
    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        _pipe.ReleaseSlot();
        return Inner.CompleteAsync(exception);
    }
}
