using System.Buffers;

namespace MailGate.Receive;

/// <summary>
/// Follows the bytes of one DATA transfer as they arrive: finds the end-of-data line and measures the
/// message the way RFC 1870 §3 counts it (every octet including CRLF pairs, but not the terminating
/// <c>.CRLF</c> and not the dots added for transparency, RFC 5321 §4.5.2).
/// </summary>
/// <remarks>
/// The end is <c>CRLF . CRLF</c>, where the first CRLF may also be the start of the data (an empty
/// message). A dot starting a line (the first line too) is a transparency dot only when a second dot
/// follows (<c>..</c>); <c>.x</c> keeps its dot, as SmtpServer always did. <see cref="Unstuff"/> removes
/// exactly the dots counted in <see cref="TransparencyDots"/>.
/// </remarks>
internal struct DataScanner
{
    private static readonly byte[] StuffedLineStart = "\r\n.."u8.ToArray();

    private State _state;

    private enum State
    {
        LineStart,
        InLine,
        AfterCr,
        Dot,
        DotCr,
    }

    /// <summary>The message bytes seen so far, in RFC 1870 terms.</summary>
    public long MessageBytes { get; private set; }

    /// <summary>The transparency dots seen so far (the first dot of each line that starts with <c>..</c>).</summary>
    public long TransparencyDots { get; private set; }

    /// <summary>
    /// Feeds the next bytes. Returns the offset in <paramref name="data"/> just past the end-of-data line,
    /// or -1 when the end is not in <paramref name="data"/> (feed the next bytes then).
    /// </summary>
    public int Feed(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            var b = data[i];
            switch (_state)
            {
                case State.InLine:
                    {
                        // Most bytes are plain text: count the run up to the next CR at once.
                        var run = data[i..].IndexOf((byte)'\r');
                        if (run < 0)
                        {
                            MessageBytes += data.Length - i;
                            return -1;
                        }

                        MessageBytes += run + 1;
                        i += run + 1;
                        _state = State.AfterCr;
                        continue;
                    }

                case State.LineStart:
                    if (b == (byte)'.')
                    {
                        _state = State.Dot;
                        i++;
                        continue;
                    }

                    _state = State.InLine;
                    continue;

                case State.AfterCr:
                    MessageBytes++;
                    _state = b switch
                    {
                        (byte)'\n' => State.LineStart,
                        (byte)'\r' => State.AfterCr,
                        _ => State.InLine,
                    };
                    i++;
                    continue;

                case State.Dot:
                    if (b == (byte)'\r')
                    {
                        _state = State.DotCr;
                        i++;
                        continue;
                    }

                    // "..": the first dot is transparency and not part of the message; ".x" keeps its dot.
                    if (b == (byte)'.')
                    {
                        MessageBytes++;
                        TransparencyDots++;
                    }
                    else
                    {
                        MessageBytes += 2;
                    }

                    _state = State.InLine;
                    i++;
                    continue;

                default: // State.DotCr
                    if (b == (byte)'\n')
                    {
                        _state = State.LineStart;
                        return i + 1;
                    }

                    // ".\r" then something else: both are message bytes; the CR may start a CRLF.
                    MessageBytes += 2;
                    _state = State.AfterCr;
                    continue;
            }
        }

        return -1;
    }

    /// <summary>
    /// The message without its transparency dots, in one new buffer: <paramref name="content"/> is the data
    /// before the CRLF of the end-of-data line (what the store gets). One copy, whatever the number of dotted
    /// lines (SmtpServer made a buffer segment per dotted line: a 25 MiB message of <c>..</c> lines cost
    /// about 300 MB).
    /// </summary>
    public static ReadOnlySequence<byte> Unstuff(ReadOnlySequence<byte> content)
    {
        var copy = new byte[content.Length];
        var written = 0;
        var reader = new SequenceReader<byte>(content);
        if (reader.IsNext(".."u8))
        {
            reader.Advance(1);
        }

        // Each "CRLF.." becomes "CRLF."; the text between them is copied as it is.
        while (reader.TryReadTo(out ReadOnlySequence<byte> run, StuffedLineStart, advancePastDelimiter: true))
        {
            run.CopyTo(copy.AsSpan(written));
            written += (int)run.Length;
            "\r\n."u8.CopyTo(copy.AsSpan(written));
            written += 3;
        }

        reader.UnreadSequence.CopyTo(copy.AsSpan(written));
        written += (int)reader.Remaining;
        return new ReadOnlySequence<byte>(copy, 0, written);
    }
}
