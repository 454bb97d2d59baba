using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MailKit.Net.Smtp;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;
using SmtpServer.Storage;

namespace MailGate.Tests.Support;

/// <summary>
/// The outbound relay coverage probes go through, with the Google Group behind each root address folded in: an SMTP
/// server (SmtpServer) on 127.0.0.1, port 0, that takes each message, rewrites it the way a Google Group delivers it
/// (<see cref="AsGroupDelivers"/>) and hands it to <see cref="Deliver"/> — except mail to a <see cref="Drop"/>ped
/// address, which it takes and loses (an account whose group does not forward to MailGate).
/// </summary>
public sealed class FakeRelay : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> _received = new();
    private readonly ConcurrentDictionary<string, bool> _dropped = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _refused = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly CancellationTokenSource _stop = new();
    private SmtpServer.SmtpServer? _server;
    private Task? _running;

    private FakeRelay()
    {
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; private set; }

    /// <summary>Every message taken, as the client sent it, in order.</summary>
    public IReadOnlyList<MimeMessage> Received => [.. _received];

    /// <summary>What <see cref="Deliver"/> failed with (the relay answered 451 then), in order.</summary>
    public IReadOnlyList<string> DeliveryErrors => [.. _errors];

    /// <summary>Where a taken message goes after the group's rewriting; null: nowhere (kept in <see cref="Received"/> only).</summary>
    public Func<MimeMessage, Task>? Deliver { get; set; }

    /// <summary>Raised after each message is taken (and delivered or dropped), with the message as sent.</summary>
    public event EventHandler<MimeMessage>? Taken;

    /// <summary>Starts a relay on a free loopback port.</summary>
    public static async Task<FakeRelay> StartAsync()
    {
        var relay = new FakeRelay();
        var listeners = new BoundListenerFactory();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("relay.test")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, 0)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(relay));
        services.Add(new RecipientCheck(relay));
        services.Add(listeners);
        relay._server = new SmtpServer.SmtpServer(options, services);
        relay._running = relay._server.StartAsync(relay._stop.Token);
        relay.Port = (await listeners.Bound.Task.WaitAsync(TimeSpan.FromSeconds(10))).Port;
        return relay;
    }

    /// <summary>From now on, mail to <paramref name="address"/> is taken and lost.</summary>
    public void Drop(string address) => _dropped[address] = true;

    /// <summary>From now on, <c>RCPT TO</c> <paramref name="address"/> is refused (550 5.1.1: a relay that knows the domain's users, and the group is gone).</summary>
    public void Refuse(string address) => _refused[address] = true;

    /// <summary>From now on, <c>RCPT TO</c> <paramref name="address"/> is accepted again.</summary>
    public void Unrefuse(string address) => _refused.TryRemove(address, out _);

    /// <summary>From now on, mail to <paramref name="address"/> is delivered again.</summary>
    public void Undrop(string address) => _dropped.TryRemove(address, out _);

    /// <summary>
    /// <paramref name="sent"/> as a Google Group (its address: the first <c>To</c>) delivers it: <c>From</c> rewritten
    /// "'name' via group", the original in <c>X-Original-From</c>, <c>Reply-To</c> the author, a <c>List-Id</c> for the
    /// group, <c>X-Original-To</c> the group's address, and the group's footer appended to the text.
    /// </summary>
    public static MimeMessage AsGroupDelivers(MimeMessage sent)
    {
        ArgumentNullException.ThrowIfNull(sent);
        var message = MimeMessage.Load(ToStream(sent));
        var group = sent.To.Mailboxes.First().Address;
        var author = sent.From.Mailboxes.First();
        message.Headers.Add("X-Original-From", author.ToString());
        message.From.Clear();
        message.From.Add(new MailboxAddress($"'{author.Name}' via {group}", group));
        message.ReplyTo.Add(author);
        message.Headers.Add("List-Id", $"<{group.Replace('@', '.')}>");
        message.Headers.Add("X-Original-To", group);
        message.Headers.Add("Mailing-list", $"list {group}; contact {group.Split('@')[0]}+owners@{group.Split('@')[1]}");
        if (message.Body is TextPart text)
        {
            text.Text += $"\r\n-- \r\nYou received this message because you are subscribed to the Google Groups \"{group}\" group.\r\n";
        }

        return message;
    }

    /// <summary>Sends <paramref name="message"/> to an SMTP server on loopback (MailGate's port) with MailKit.</summary>
    public static async Task ForwardAsync(MimeMessage message, IPEndPoint smtp, string recipient)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(smtp);
        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Address.ToString(), smtp.Port, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(message, MailboxAddress.Parse("bounces@groups.test"), [MailboxAddress.Parse(recipient)]);
        await client.DisconnectAsync(true);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }

        _stop.Dispose();
    }

    private static MemoryStream ToStream(MimeMessage message)
    {
        var stream = new MemoryStream();
        message.WriteTo(stream);
        stream.Position = 0;
        return stream;
    }

    private async Task<SmtpResponse> TakeAsync(ReadOnlySequence<byte> buffer)
    {
        using var stream = new MemoryStream(buffer.ToArray());
        var message = await MimeMessage.LoadAsync(stream);
        _received.Enqueue(message);
        var to = message.To.Mailboxes.FirstOrDefault()?.Address ?? "";
        var response = SmtpResponse.Ok;
        if (!_dropped.ContainsKey(to) && Deliver is { } deliver)
        {
            try
            {
                await deliver(AsGroupDelivers(message));
            }
            catch (Exception e) when (e is IOException or MailKit.CommandException or MailKit.ProtocolException or System.Net.Sockets.SocketException)
            {
                _errors.Enqueue($"{to}: {e.GetType().Name}: {e.Message}");
                response = new SmtpResponse(SmtpReplyCode.Aborted, "4.4.0 could not deliver: " + e.Message);
            }
        }

        Taken?.Invoke(this, message);
        return response;
    }

    private sealed class Store(FakeRelay relay) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken) =>
            relay.TakeAsync(buffer);
    }

    private sealed class RecipientCheck(FakeRelay relay) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            relay._refused.ContainsKey(to.AsAddress())
                ? throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "5.1.1 The email account that you tried to reach does not exist"))
                : Task.FromResult(true);
    }

    private sealed class BoundListenerFactory : EndpointListenerFactory
    {
        public BoundListenerFactory() => EndpointStarted += (_, e) => Bound.TrySetResult((IPEndPoint)e.LocalEndPoint);

        public TaskCompletionSource<IPEndPoint> Bound { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
