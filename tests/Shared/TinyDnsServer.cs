using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailGate.Tests.Shared;

/// <summary>
/// A DNS server on 127.0.0.1 (UDP, port 0) that answers TXT questions from a table: records with a
/// TTL, an RCODE (NXDOMAIN, SERVFAIL), or silence (a timeout). Counts the questions per name.
/// </summary>
public sealed class TinyDnsServer : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly ConcurrentDictionary<string, Answer> _answers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _questions = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TinyDnsServer() => _loop = Task.Run(ServeAsync);

    public IPEndPoint EndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

    public void Txt(string name, int ttl, params string[] strings) => _answers[name] = new Answer(0, ttl, strings, Silent: false);

    public void Rcode(string name, int rcode) => _answers[name] = new Answer(rcode, 0, [], Silent: false);

    public void Silent(string name) => _answers[name] = new Answer(0, 0, [], Silent: true);

    public int Questions(string name) => _questions.GetValueOrDefault(name);

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the socket was closed under the receive
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult request;
            try
            {
                request = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var query = request.Buffer;
            var (name, questionEnd) = ReadQuestion(query);
            _questions.AddOrUpdate(name, 1, (_, n) => n + 1);
            // unknown names: NOERROR with no answer
            var answer = _answers.GetValueOrDefault(name) ?? new Answer(0, 0, [], Silent: false);
            if (answer.Silent)
            {
                continue;
            }

            await _udp.SendAsync(Response(query, questionEnd, answer), request.RemoteEndPoint);
        }
    }

    private static (string Name, int QuestionEnd) ReadQuestion(byte[] query)
    {
        var labels = new List<string>();
        var i = 12;
        while (query[i] != 0)
        {
            labels.Add(Encoding.ASCII.GetString(query, i + 1, query[i]));
            i += query[i] + 1;
        }

        return (string.Join('.', labels), i + 1 + 4); // the root label, QTYPE and QCLASS
    }

    private static byte[] Response(byte[] query, int questionEnd, Answer answer)
    {
        var response = new List<byte>();
        response.AddRange(query.AsSpan(0, 2).ToArray()); // id
        response.Add((byte)(0x80 | (query[2] & 0x01))); // QR, RD copied
        response.Add((byte)(0x80 | answer.Rcode)); // RA, RCODE
        response.AddRange([0, 1, 0, (byte)(answer.Strings.Length > 0 ? 1 : 0), 0, 0, 0, 0]);
        response.AddRange(query.AsSpan(12, questionEnd - 12).ToArray());
        if (answer.Strings.Length > 0)
        {
            var rdata = answer.Strings.SelectMany(s => new[] { (byte)s.Length }.Concat(Encoding.ASCII.GetBytes(s))).ToArray();
            response.AddRange([0xC0, 0x0C, 0, 16, 0, 1]); // name pointer, TXT, IN
            response.AddRange([(byte)(answer.Ttl >> 24), (byte)(answer.Ttl >> 16), (byte)(answer.Ttl >> 8), (byte)answer.Ttl]);
            response.AddRange([(byte)(rdata.Length >> 8), (byte)rdata.Length]);
            response.AddRange(rdata);
        }

        return response.ToArray();
    }

    private sealed record Answer(int Rcode, int Ttl, string[] Strings, bool Silent);
}
