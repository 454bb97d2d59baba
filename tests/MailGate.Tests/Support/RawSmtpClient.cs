using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailGate.Tests.Support;

/// <summary>
/// A byte-exact SMTP client over a raw socket, for what a well-behaved client library will not send:
/// bare line ends, oversize data, garbage.
/// </summary>
public sealed class RawSmtpClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private RawSmtpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new StreamReader(_stream, Encoding.Latin1);
    }

    public static async Task<(RawSmtpClient Client, string Greeting)> ConnectAsync(IPEndPoint endpoint)
    {
        var tcp = new TcpClient();
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

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Reads one (possibly multi-line) reply; returns its lines joined by '\n'.</summary>
    public async Task<string> ReadReplyAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var lines = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                lines.Add("(connection closed)");
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

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
