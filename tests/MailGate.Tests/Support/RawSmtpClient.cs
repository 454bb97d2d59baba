using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace MailGate.Tests.Support;

/// <summary>
/// A byte-exact SMTP client over a raw socket, for what a well-behaved client library will not send:
/// bare line ends, oversize data, garbage.
/// </summary>
public sealed class RawSmtpClient : IAsyncDisposable
{
    /// <summary>What <see cref="ReadReplyAsync"/> returns (as its last line) when the server closed the connection.</summary>
    public const string Closed = "(connection closed)";

    private readonly TcpClient _tcp;
    private Stream _stream;
    private StreamReader _reader;

    private RawSmtpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new StreamReader(_stream, Encoding.Latin1);
    }

    /// <summary>
    /// Connects, from <paramref name="localAddress"/> when given (another loopback address such as
    /// 127.0.0.2 looks like another client), and reads the greeting (or refusal).
    /// </summary>
    public static async Task<(RawSmtpClient Client, string Greeting)> ConnectAsync(IPEndPoint endpoint, IPAddress? localAddress = null)
    {
        var tcp = localAddress is null ? new TcpClient() : new TcpClient(new IPEndPoint(localAddress, 0));
        await tcp.ConnectAsync(endpoint);
        tcp.ReceiveTimeout = 10_000;
        var client = new RawSmtpClient(tcp);
        return (client, await client.ReadReplyAsync());
    }

    /// <summary>Sends <paramref name="line"/> + CRLF and reads the reply.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendRawAsync(Encoding.Latin1.GetBytes(line + "\r\n"));
        return await ReadReplyAsync();
    }

    /// <summary>
    /// After the server's <c>220</c> to STARTTLS: the TLS handshake (the test's own certificate: any one is accepted), then every
    /// command and reply goes over TLS.
    /// </summary>
    public async Task StartTlsAsync()
    {
        var tls = new SslStream(_stream, leaveInnerStreamOpen: true, (_, certificate, _, _) => certificate is not null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "mailgate" }, timeout.Token);
        _stream = tls; // the plaintext reader holds nothing after the 220; disposing it would close the socket
        _reader = new StreamReader(tls, Encoding.Latin1);
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends <paramref name="bytes"/>; false when the server closed the connection part way.</summary>
    public async Task<bool> TrySendRawAsync(byte[] bytes)
    {
        try
        {
            await SendRawAsync(bytes);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads one (possibly multi-line) reply; returns its lines joined by '\n', ending in <see cref="Closed"/>
    /// when the server closed (or reset) the connection.
    /// </summary>
    public async Task<string> ReadReplyAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var lines = new List<string>();
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(timeout.Token);
            }
            catch (IOException)
            {
                line = null;
            }

            if (line is null)
            {
                lines.Add(Closed);
                break;
            }

            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                break;
            }
        }

        return string.Join('\n', lines);
    }

    /// <summary>Reads replies until the server closes the connection; returns them, one per element, without the close marker.</summary>
    public async Task<IReadOnlyList<string>> ReadUntilClosedAsync()
    {
        var replies = new List<string>();
        while (true)
        {
            var reply = await ReadReplyAsync();
            if (reply == Closed)
            {
                return replies;
            }

            if (reply.EndsWith(Closed, StringComparison.Ordinal))
            {
                replies.Add(reply[..^(Closed.Length + 1)]);
                return replies;
            }

            replies.Add(reply);
        }
    }

    /// <summary>Half-closes the connection: the server reads the end of input, the client can still read its replies.</summary>
    public void ShutdownSend() => _tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Sends QUIT and waits for the server to close the connection (its session has ended then).</summary>
    public async Task QuitAsync()
    {
        await SendRawAsync("QUIT\r\n"u8.ToArray());
        await ReadUntilClosedAsync();
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
