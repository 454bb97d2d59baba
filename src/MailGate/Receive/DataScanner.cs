namespace MailGate.Receive;

/// <summary>
/// Follows the bytes of one DATA transfer as they arrive: finds the end-of-data line and measures the
/// message the way RFC 1870 §3 counts it (every octet including CRLF pairs, but not the terminating
/// <c>.CRLF</c> and not the dots added for transparency, RFC 5321 §4.5.2).
/// </summary>
/// <remarks>
/// The end is <c>CRLF . CRLF</c>, where the first CRLF may also be the start of the data (an empty
/// message). That is the same sequence SmtpServer looks for, so the end found here is the one SmtpServer
/// finds, except for an empty message, which SmtpServer never recognises. A dot starting a line is a
/// transparency dot only when a second dot follows (<c>..</c>), which is also what SmtpServer removes.
/// </remarks>
internal struct DataScanner
{
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
                    MessageBytes += b == (byte)'.' ? 1 : 2;
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
}
