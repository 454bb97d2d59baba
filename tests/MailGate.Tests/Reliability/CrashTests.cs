using System.Collections.Concurrent;
using System.Net;
using MailGate.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MailGate.Tests.Reliability;

/// <summary>
/// The durability promise under fire: the real gateway, as a child process, takes mail from several
/// concurrent SMTP clients while it is killed with SIGKILL at random moments and restarted on the same
/// spool. Every message that got a 250 must reach PagerDuty, and no message may ever be sent with two
/// different dedup keys. Seeded, so a failure can be replayed with the same seed.
/// </summary>
[TestFixture]
[Category("Crash")]
public sealed class CrashTests
{
    private const int Clients = 3;
    private const int MessagesPerClient = 100;
    private const int Kills = 5;

    private static readonly string Rules = GatewayHarness.SubjectPrefixRules("crash", "crash");

    private string _folder = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "rules.yaml"), Rules);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [TestCase(20261128)]
    [TestCase(4242)]
    public async Task RandomSigkills_UnderConcurrentLoad_LoseNoAcceptedMessage_AndNeverTwoDedupKeys(int seed)
    {
        var random = new Random(seed);
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        // Slow answers and some 500s keep POSTs in flight and retries pending when the kills land.
        pagerDuty.Respond = n => n % 9 == 0 ? FakeResponse.ServerError : FakeResponse.SlowAccept(TimeSpan.FromMilliseconds(15));
        string[] settings =
        [
            "--Smtp:Port=0",
            "--Http:Url=http://127.0.0.1:0",
            $"--Spool:Path={Path.Combine(_folder, "spool")}",
            $"--Rules:Path={Path.Combine(_folder, "rules.yaml")}",
            $"--PagerDuty:EventsUrl={pagerDuty.EventsUrl}",
            "--PagerDuty:RetryBaseDelay=00:00:00.020",
            "--PagerDuty:RetryMaxDelay=00:00:00.200",
            "--PagerDuty:BreakDuration=00:00:00.500",
            "--Trust:Verify=false", // no DNS: this test is about durability
        ];

        var gateway = GatewayProcess.Start(settings);
        var endpoint = await gateway.WaitForSmtpAsync();
        var accepted = new ConcurrentDictionary<string, bool>();
        var attempts = 0;
        var sending = true;
        var acceptedMore = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gatewayUp = Task.CompletedTask; // pending from just before a kill until the restarted gateway listens

        async Task SendAllAsync(int client)
        {
            for (var i = 0; i < MessagesPerClient; i++)
            {
                var messageId = $"crash-{seed}-{client}-{i}@example.com";
                for (var attempt = 0; attempt < 200 && !accepted.ContainsKey(messageId); attempt++)
                {
                    Interlocked.Increment(ref attempts);
                    try
                    {
                        var target = Volatile.Read(ref endpoint);
                        using var smtp = new SmtpClient { Timeout = 5000 };
                        await smtp.ConnectAsync(target.Address.ToString(), target.Port, SecureSocketOptions.None);
                        await smtp.SendAsync(Message(messageId), MailboxAddress.Parse("bounce@example.com"), [MailboxAddress.Parse("oncall@mailgate.example.com")]);
                        accepted[messageId] = true; // the 250 arrived
                        Interlocked.Exchange(ref acceptedMore, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                        await smtp.DisconnectAsync(quit: true);
                    }
#pragma warning disable CA1031 // Like a real MTA: any failure before the 250 means "try again later".
                    catch (Exception)
#pragma warning restore CA1031
                    {
                        // Like a real MTA, try again: once the gateway is back when it is being restarted, else at once.
                        await Volatile.Read(ref gatewayUp).WaitAsync(TimeSpan.FromSeconds(60));
                    }
                }
            }
        }

        // Waits for `count` more 250s (or for every client to finish): the next kill's moment, drawn by the
        // seed in messages rather than in wall-clock time, so each SIGKILL lands while mail is in flight.
        async Task AcceptedAsync(int count, Task clientsDone)
        {
            var target = accepted.Count + count;
            while (true)
            {
                var more = Volatile.Read(ref acceptedMore).Task;
                if (accepted.Count >= target || clientsDone.IsCompleted)
                {
                    return;
                }

                await Task.WhenAny(more, clientsDone).WaitAsync(TimeSpan.FromSeconds(60));
            }
        }

        var clients = Enumerable.Range(0, Clients).Select(SendAllAsync).ToArray();
        var kills = 0;
        try
        {
            for (; kills < Kills && Volatile.Read(ref sending); kills++)
            {
                await AcceptedAsync(random.Next(5, 40), Task.WhenAll(clients));
                var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref gatewayUp, restarted.Task);
                try
                {
                    gateway.Kill();
                    await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10));
                    await gateway.DisposeAsync();
                    gateway = GatewayProcess.Start(settings);
                    Volatile.Write(ref endpoint, await gateway.WaitForSmtpAsync());
                }
                finally
                {
                    restarted.TrySetResult();
                }

                if (clients.All(c => c.IsCompleted))
                {
                    sending = false;
                }
            }

            await Task.WhenAll(clients);
            await pagerDuty.WaitForAsync(
                requests =>
                {
                    var delivered = requests.Where(r => r.Status == 202).Select(r => r.Details.GetProperty("message_id").GetString()!).ToHashSet();
                    return accepted.Keys.All(delivered.Contains);
                },
                TimeSpan.FromSeconds(90));
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        var requests = pagerDuty.Requests;
        var byMessage = requests.GroupBy(r => r.Details.GetProperty("message_id").GetString()!).ToArray();
        var deliveredIds = requests.Where(r => r.Status == 202).Select(r => r.Details.GetProperty("message_id").GetString()!).ToHashSet();
        var lost = accepted.Keys.Count(id => !deliveredIds.Contains(id));
        var twoKeys = byMessage.Count(g => g.Select(r => r.DedupKey).Distinct().Count() > 1);
        var collapsed = requests.Count(r => r.Status == 202) - deliveredIds.Count;
        TestContext.Out.WriteLine(
            $"seed {seed}: {Clients * MessagesPerClient} messages, {attempts} SMTP attempts, {accepted.Count} accepted (250), " +
            $"{kills} SIGKILLs, {deliveredIds.Count} delivered, {collapsed} duplicate deliveries collapsed by dedup key, " +
            $"{requests.Count} POSTs in all, lost={lost}, messages with two dedup keys={twoKeys}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted, Has.Count.EqualTo(Clients * MessagesPerClient), "every message was eventually accepted");
            Assert.That(kills, Is.GreaterThanOrEqualTo(2), "the gateway was killed while under load");
            Assert.That(lost, Is.Zero, "no message that got a 250 is lost");
            Assert.That(twoKeys, Is.Zero, "no message is ever sent with two different dedup keys");
        }
    }

    private static MimeMessage Message(string messageId)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("ec2-abuse@amazon.com"));
        message.To.Add(MailboxAddress.Parse("oncall@mailgate.example.com"));
        message.Subject = $"crash test {messageId}";
        message.MessageId = messageId;
        message.Body = new TextPart("plain") { Text = "AWS ID: 123456789012\n" + new string('x', 2000) };
        return message;
    }
}
