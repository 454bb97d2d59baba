using System.Buffers;
using System.Text;

namespace MailGate.Core.Parse;

/// <summary>Reads the identifier out of a <c>List-Id</c> header (RFC 2919).</summary>
public static class ListIds
{
    /// <summary><c>"AWS root 1" &lt;aws-root-1.example.com&gt;</c> → <c>aws-root-1.example.com</c>; a bare value is trimmed.</summary>
    public static string Identifier(string headerValue)
    {
        ArgumentNullException.ThrowIfNull(headerValue);
        var open = headerValue.LastIndexOf('<');
        var close = headerValue.LastIndexOf('>');
        return open >= 0 && close > open
            ? headerValue[(open + 1)..close].Trim()
            : headerValue.Trim();
    }

    /// <summary>
    /// The List-Id identifiers of a message's header section (<c>List-Id:</c> fields, unfolded, without the angle
    /// brackets; at most <paramref name="max"/>), read from the raw bytes as received. Empty when there are none.
    /// </summary>
    /// <param name="message">The message as received (header section first).</param>
    /// <param name="max">The most identifiers returned.</param>
    public static IReadOnlyList<string> InHeader(ReadOnlySequence<byte> message, int max = 8)
    {
        var found = new List<string>();
        var reader = new SequenceReader<byte>(message);
        string? field = null;
        var value = new StringBuilder();
        while (found.Count < max && !reader.End)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                line = reader.UnreadSequence; // the last line, without a line end
                reader.AdvanceToEnd();
            }

            var text = Encoding.Latin1.GetString(line).TrimEnd('\r');
            if (text.Length > 0 && text[0] is ' ' or '\t')
            {
                if (field is not null)
                {
                    value.Append(text);
                }

                continue;
            }

            Finish(field, value, found);
            field = null;
            if (text.Length == 0)
            {
                break; // the end of the header section
            }

            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && text.AsSpan(0, colon).TrimEnd().Equals("List-Id", StringComparison.OrdinalIgnoreCase))
            {
                field = "List-Id";
                value.Clear().Append(text.AsSpan(colon + 1));
            }
        }

        if (found.Count < max)
        {
            Finish(field, value, found);
        }

        return found;
    }

    private static void Finish(string? field, StringBuilder value, List<string> found)
    {
        if (field is null)
        {
            return;
        }

        var id = Identifier(value.ToString());
        if (id.Length is > 0 and <= 255 && !found.Contains(id, StringComparer.OrdinalIgnoreCase))
        {
            found.Add(id);
        }
    }
}
