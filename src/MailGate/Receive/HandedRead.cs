using System.Buffers;
using System.IO.Pipelines;

namespace MailGate.Receive;

/// <summary>
/// What the last <see cref="ReadResult"/> that <see cref="ClientReader"/> handed SmtpServer stands for, so that
/// SmtpServer's <see cref="PipeReader.AdvanceTo(SequencePosition, SequencePosition)"/> can be applied to the
/// client's (inner) reader: an inner buffer as it is, a stand-in line of ours for a held inner line, or a
/// stand-in line alone.
/// </summary>
internal sealed class HandedRead
{
    private Kind _kind;
    private ReadOnlySequence<byte> _held;
    private SequencePosition _standInConsumes;

    private enum Kind
    {
        Nothing,
        Inner,       // an inner buffer: AdvanceTo goes through
        StandIn,     // a line of ours for a held inner line: consuming it consumes the held line
        StandInOnly, // a line of ours, the inner reader already advanced
    }

    /// <summary>Whether an inner buffer was handed out and not advanced yet.</summary>
    public bool IsInner => _kind == Kind.Inner;

    /// <summary>The start of the inner buffer handed out last.</summary>
    public SequencePosition HeldStart => _held.Start;

    /// <summary>Hands out the inner reader's <paramref name="result"/> as it is.</summary>
    public ReadResult Inner(ReadResult result)
    {
        _held = result.Buffer;
        _kind = Kind.Inner;
        return result;
    }

    /// <summary>
    /// Hands out <paramref name="line"/> in place of the inner bytes of <paramref name="held"/> up to
    /// <paramref name="consumes"/>: when SmtpServer consumes the line, those inner bytes are consumed.
    /// </summary>
    public ReadResult StandIn(ReadOnlySequence<byte> held, SequencePosition consumes, byte[] line)
    {
        _held = held;
        _standInConsumes = consumes;
        _kind = Kind.StandIn;
        return Line(line);
    }

    /// <summary>Hands out <paramref name="line"/> alone: the inner reader has already been advanced.</summary>
    public ReadResult StandInOnly(byte[] line)
    {
        _kind = Kind.StandInOnly;
        return Line(line);
    }

    /// <summary>Applies SmtpServer's advance to <paramref name="inner"/> as what was handed out stands for.</summary>
    /// <exception cref="InvalidOperationException">Nothing was handed out since the last advance.</exception>
    public void Advance(PipeReader inner, SequencePosition consumed, SequencePosition examined)
    {
        var kind = _kind;
        _kind = Kind.Nothing;
        switch (kind)
        {
            case Kind.Inner:
                inner.AdvanceTo(consumed, examined);
                break;
            case Kind.StandIn:
                inner.AdvanceTo(_standInConsumes);
                break;
            case Kind.StandInOnly:
                break;
            default:
                throw new InvalidOperationException("AdvanceTo without a read in progress.");
        }
    }

    private static ReadResult Line(byte[] line) => new(new ReadOnlySequence<byte>(line), isCanceled: false, isCompleted: false);
}
