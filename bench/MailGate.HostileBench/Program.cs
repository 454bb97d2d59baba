using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using MailGate.Hosting;
using MailGate.Receive;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace MailGate.HostileBench;

/// <summary>
/// Issue #11 §1 as a measurement: N hostile mails (ten DKIM signatures and an ARC set each, keys in a
/// zone of their own whose DNS never answers) sent from one client, then a genuine abuse report
/// through Google (ARC key answered at once) from another; prints how long the genuine page took from
/// its 250 to the fake PagerDuty's receipt. Runs the real host in-process with the shipped rules and
/// <c>Trust:Verify=true</c>; uses only <see cref="MailGateHost.Build(string[])"/>, so the same program
/// measures any revision. Arguments: <c>[hostile count, default 100] [give up after seconds, default 600]
/// [client networks the hostile mail comes from, default 1] [scenario: cold (default), rotation or expiry]</c>: with
/// several networks, hostile mail <c>i</c> comes from <c>127.1.{i mod networks}.1</c>, each a /24 of its own
/// (all of 127/8 is loopback on Linux). <c>rotation</c> first sends one genuine page (its key looked up with
/// nothing else waiting), then the flood, then a genuine page sealed with a new <c>google.com</c> selector
/// (Google rotated its key: not looked up yet), then one with the first key again. <c>expiry</c> publishes the
/// first key with a TTL of 20 s, sends one genuine page, then the flood, waits 30 s (the key's TTL has passed
/// while the flood's lookups still queue) and sends a genuine page with that key.
/// </summary>
internal static class Program
{
    private const string RoutingKey = "R0123456789abcdef0123456789abcde";
    private const string Selector = "arc-bench";

    public static async Task<int> Main(string[] args)
    {
        var hostile = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var giveUp = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 600);
        var networks = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        var scenario = args.Length > 3 ? args[3] : "cold";
        var rotation = scenario is "rotation" or "expiry";
        var folder = Path.Combine(Path.GetTempPath(), "mailgate-hostile-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var dns = new TinyDnsServer();
            var google = TestKeys.Ed25519();
            dns.Txt($"{Selector}._domainkey.google.com", scenario == "expiry" ? 20 : 300, TestKeys.TxtRecord(google.Public));
            var rotated = TestKeys.Ed25519();
            dns.Txt($"{Selector}-rotated._domainkey.google.com", 300, TestKeys.TxtRecord(rotated.Public));
            using var pagerDuty = new FakePagerDuty();
            var rules = Path.Combine(folder, "rules.yaml");
            await File.WriteAllTextAsync(rules, (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "shipped-rules.yaml")))
                .Replace("${PAGERDUTY_ROUTING_KEY}", RoutingKey, StringComparison.Ordinal));
            var app = MailGateHost.Build(
            [
                "--Smtp:Port=0",
                "--Http:Url=http://127.0.0.1:0",
                $"--Spool:Path={Path.Combine(folder, "spool")}",
                $"--Rules:Path={rules}",
                $"--PagerDuty:EventsUrl={pagerDuty.Url}",
                $"--Trust:DnsServers:0={dns.EndPoint}",
                "--Trust:Verify=true",
                "--Serilog:MinimumLevel:Default=Error",
            ]);
            await app.StartAsync();
            try
            {
                var smtp = await app.Services.GetRequiredService<SmtpListenerEndpoint>().Bound;
                var pages = scenario == "expiry"
                    ? [("genuine page 30 s after the flood (its key's 20 s TTL has passed)", google, Selector)]
                    : rotation
                    ? new[] { ("genuine page with a new google.com selector (rotated key, not looked up yet)", rotated, Selector + "-rotated"), ("genuine page with the first key again", google, Selector) }
                    : [("genuine page 1 (key not cached yet)", google, Selector), ("genuine page 2 (sent once page 1 was out)", google, Selector)];
                if (rotation)
                {
                    var (id, accepted) = await SendAsync(smtp, AbuseReports.ThroughGoogle(google.Private, Selector), IPAddress.Loopback);
                    Console.WriteLine($"genuine page before the flood: at PagerDuty {(await pagerDuty.WaitAsync(id, accepted, giveUp))?.TotalSeconds:F2} s after its 250");
                }

                var started = Stopwatch.GetTimestamp();
                for (var i = 0; i < hostile; i++)
                {
                    var message = AbuseReports.Forged($"abuse-{i}@amazon.com");
                    foreach (var name in HostileMail.Sign(message, $"h{i}.never-answers.example"))
                    {
                        dns.Silent(name);
                    }

                    await SendAsync(smtp, message, networks == 1 ? IPAddress.Parse("127.0.1.1") : new IPAddress([127, 1, (byte)(i % networks), 1]));
                }

                Console.WriteLine($"{hostile} hostile mail(s) from {networks} client network(s) accepted in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
                if (scenario == "expiry")
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), TimeProvider.System);
                }

                foreach (var (label, key, selector) in pages)
                {
                    var (id, accepted) = await SendAsync(smtp, AbuseReports.ThroughGoogle(key.Private, selector), IPAddress.Loopback);
                    var waited = await pagerDuty.WaitAsync(id, accepted, giveUp);
                    Console.WriteLine(waited is { } wait
                        ? $"{label}: at PagerDuty {wait.TotalSeconds:F2} s after its 250"
                        : $"{label}: NOT at PagerDuty {Stopwatch.GetElapsedTime(accepted).TotalSeconds:F0} s after its 250 (gave up)");
                    if (waited is null)
                    {
                        break;
                    }
                }

                Console.WriteLine($"PagerDuty received {pagerDuty.Count} event(s) in all");
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    /// <summary>Sends <paramref name="message"/> from <paramref name="from"/>; returns its spool id and when the 250 came (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    private static async Task<(string Id, long AcceptedAt)> SendAsync(IPEndPoint gateway, MimeMessage message, IPAddress from)
    {
        using var client = new SmtpClient { LocalEndPoint = new IPEndPoint(from, 0) };
        await client.ConnectAsync(gateway.Address.ToString(), gateway.Port, SecureSocketOptions.None);
        var reply = await client.SendAsync(message, MailboxAddress.Parse("aws-root-123456789012+bnc@example.com"), [MailboxAddress.Parse("aws-abuse@mailgate.example.com")]);
        var acceptedAt = Stopwatch.GetTimestamp();
        await client.DisconnectAsync(quit: true);
        return (reply[(reply.IndexOf("queued as ", StringComparison.Ordinal) + "queued as ".Length)..].Trim(), acceptedAt);
    }

    /// <summary>A PagerDuty that answers 202 to everything and notes when each spool id's event arrived.</summary>
    private sealed class FakePagerDuty : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Dictionary<string, TaskCompletionSource<long>> _arrivals = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();
        private readonly Task _loop;
        private int _count;

        public FakePagerDuty()
        {
            var port = FreePort();
            Url = new Uri($"http://127.0.0.1:{port}/v2/enqueue");
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public Uri Url { get; }

        public int Count => Volatile.Read(ref _count);

        /// <summary>How long after <paramref name="since"/> the event of <paramref name="spoolId"/> arrived; null when it did not within <paramref name="timeout"/>.</summary>
        public async Task<TimeSpan?> WaitAsync(string spoolId, long since, TimeSpan timeout)
        {
            try
            {
                var arrived = await Arrival(spoolId).Task.WaitAsync(timeout);
                return Stopwatch.GetElapsedTime(since, arrived);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }

        public void Dispose()
        {
            _listener.Close();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // the listener was closed under the wait
            }
        }

        private TaskCompletionSource<long> Arrival(string spoolId)
        {
            lock (_lock)
            {
                if (!_arrivals.TryGetValue(spoolId, out var arrival))
                {
                    _arrivals[spoolId] = arrival = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                return arrival;
            }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                using (var json = await JsonDocument.ParseAsync(context.Request.InputStream))
                {
                    Interlocked.Increment(ref _count);
                    var spoolId = json.RootElement.GetProperty("payload").GetProperty("custom_details").GetProperty("spool_id").GetString()!;
                    Arrival(spoolId).TrySetResult(now);
                }

                context.Response.StatusCode = 202;
                await context.Response.OutputStream.WriteAsync("""{"status":"success"}"""u8.ToArray());
                context.Response.Close();
            }
        }

        private static int FreePort()
        {
            using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }
    }
}
