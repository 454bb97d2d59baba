using System.Buffers;

namespace MailGate.Receive;

/// <summary>
/// Finds CR or LF bytes that are not part of a CRLF pair. SmtpServer passes them through unchanged;
/// MailGate refuses such messages (<c>554 5.6.0</c>) rather than store bytes that other MTAs read as
/// line ends differently (the SMTP smuggling class of bugs).
/// </summary>
internal static class LineEnds
{
    /// <summary>Whether <paramref name="data"/> holds a CR not followed by LF, or an LF not preceded by CR.</summary>
    public static bool HasBareCrOrLf(ReadOnlySequence<byte> data)
    {
        var afterCr = false; // the previous byte (possibly in the previous segment) was a CR
        foreach (var memory in data)
        {
            var span = memory.Span;
            var i = 0;
            while (i < span.Length)
            {
                if (afterCr)
                {
                    if (span[i] != (byte)'\n')
                    {
                        return true;
                    }

                    afterCr = false;
                    i++;
                    continue;
                }

                var next = span[i..].IndexOfAny((byte)'\r', (byte)'\n');
                if (next < 0)
                {
                    break;
                }

                if (span[i + next] == (byte)'\n')
                {
                    return true;
                }

                afterCr = true;
                i += next + 1;
            }
        }

        // The data ends where the server stripped the final CRLF: a CR here stood before that CRLF alone.
        return afterCr;
    }
}
