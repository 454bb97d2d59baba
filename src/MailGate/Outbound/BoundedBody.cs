using System.Text;

namespace MailGate.Outbound;

/// <summary>
/// Reads at most a fixed number of bytes of an HTTP response body: a server (or anything posing as it)
/// cannot make the gateway buffer more than that, whatever it sends or claims in <c>Content-Length</c>.
/// </summary>
internal static class BoundedBody
{
    /// <summary>
    /// The body's first <paramref name="maxBytes"/> bytes as UTF-8 text, and whether more followed.
    /// The rest is never read: disposing the response then closes the connection.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    /// <exception cref="HttpRequestException">The connection failed while reading.</exception>
    /// <exception cref="IOException">The connection failed while reading.</exception>
    public static async Task<(string Text, bool Truncated)> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        var buffer = new byte[Math.Min(maxBytes + 1, content.Headers.ContentLength is { } length and >= 0 ? (int)Math.Min(length + 1, maxBytes + 1L) : 16 * 1024)];
        var filled = 0;
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            while (filled <= maxBytes)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, maxBytes + 1L));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }
        }

        var truncated = filled > maxBytes;
        var kept = Math.Min(filled, maxBytes);
        return (new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetString(buffer, 0, kept), truncated);
    }
}
