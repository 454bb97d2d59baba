using MailGate.Core.Storage;
using System.Text;
using MailGate.Tests.Support;

namespace MailGate.Tests.Receive;

/// <summary>
/// Every way a DATA can end gives its bytes back to <c>Smtp:MaxDataInFlight</c> by the time its reply is sent: a held
/// byte never given back would fill the budget and get every later message <c>452</c> (the pager silenced).
/// </summary>
[TestFixture]
public sealed class SmtpDataInFlightEndsTests : DataInFlightTestBase
{
    [Test]
    public async Task EachEndOfData_InOneSession_GivesEveryByteBack_AndAMessageOfExactlyTheBudgetIsAccepted()
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        var dotted = new StringBuilder("Subject: dots\r\n\r\n");
        while (dotted.Length < Limit - 2000)
        {
            dotted.Append("..stuffed line\r\n");
        }

        var ends = new (string Name, string Data, string Reply)[]
        {
            ("over size", RawSmtpDialog.MessageOfSize(Limit + 5_000), "552 5.3.4"),
            ("bare LF", "Subject: x\r\n\r\n" + new string('a', 30_000) + "\nb\r\n", "554 5.6.0"),
            ("header too large", "Subject: " + new string('h', 9_000) + "\r\n\r\nbody\r\n", "552 5.3.4"),
            ("no header", new string('n', 20_000) + "\r\n", "554 5.6.0"),
            ("empty", "", "554 5.6.0"),
            ("dot-stuffed", dotted.ToString(), "250 2.0.0"),
            ("exactly the budget", RawSmtpDialog.MessageOfSize(Limit), "250 2.0.0"),
        };
        var first = true;
        foreach (var (name, data, reply) in ends)
        {
            if (first)
            {
                await client.BeginDataAsync();
                first = false;
            }
            else
            {
                Assert.That(await client.CommandAsync("MAIL FROM:<sender@example.com>"), Does.StartWith("250"), name);
                Assert.That(await client.CommandAsync($"RCPT TO:<{RawSmtpDialog.Recipient}>"), Does.StartWith("250"), name);
                Assert.That(await client.CommandAsync("DATA"), Does.StartWith("354"), name);
            }

            Assert.That(await client.EndDataAsync(data), Does.StartWith(reply), name);
            Assert.That(Budget.Held, Is.Zero, $"{name}: its bytes are given back before its reply");
        }

        Assert.That(await client.CommandAsync("RSET"), Does.StartWith("250"));
        Assert.That(Budget.Held, Is.Zero);
    }

    [Test]
    public async Task RefusedForTheBudget_IsNotStored_AndTheSameSessionsNextMessageIsAccepted()
    {
        var holder = await HoldMostOfTheBudgetAsync();
        await using var _ = holder;

        var refused = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var __ = refused;
        await refused.BeginDataAsync();
        var refusedReply = await refused.EndDataAsync("Subject: refused-for-budget\r\n\r\n" + new string('r', 20_000) + "\r\n");
        var holderReply = await holder.EndDataAsync("");
        Assert.That(await refused.CommandAsync("MAIL FROM:<sender@example.com>"), Does.StartWith("250"));
        Assert.That(await refused.CommandAsync($"RCPT TO:<{RawSmtpDialog.Recipient}>"), Does.StartWith("250"));
        Assert.That(await refused.CommandAsync("DATA"), Does.StartWith("354"));
        var retried = await refused.EndDataAsync(RawSmtpDialog.MessageOfSize(Limit));
        var spooled = new[] { SpoolArea.Active, SpoolArea.Done, SpoolArea.Dead }.Sum(area => Gateway.Spool.List(area).Count);

        Assert.That(refusedReply, Is.EqualTo("452 4.3.1 Insufficient system resources, try again later"));
        Assert.That(holderReply, Does.StartWith("250 2.0.0"));
        Assert.That(retried, Does.StartWith("250 2.0.0"), "the session goes on and a message that fits is accepted");
        Assert.That(Budget.Held, Is.Zero);
        Assert.That(spooled, Is.EqualTo(2), "the two accepted messages are spooled (before their 250), the refused one is not");
        using var http = new HttpClient { BaseAddress = Gateway.HttpUrl };
        Assert.That(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)), Does.Match("reason=\"data_in_flight_full\"[^\n]*\\} 1\\b"));
    }

    [Test]
    public async Task OverSizeMessage_WhileTheBudgetIsFull_GetsThePermanent552_NotA452ItsSenderWouldRetryForDays()
    {
        var holder = await HoldMostOfTheBudgetAsync();
        await using var _ = holder;

        var overSize = await RawSmtpDialog.SendMessageAsync(Gateway, RawSmtpDialog.MessageOfSize(Limit + 20_000));
        var holderReply = await holder.EndDataAsync("");

        Assert.That(overSize, Does.StartWith("552 5.3.4"), "it can never be accepted: a 4xx would have its sender retry it for days");
        Assert.That(holderReply, Does.StartWith("250 2.0.0"));
        Assert.That(Budget.Held, Is.Zero);
    }

    [Test]
    public async Task TwoMessagesAndQuit_SentInOneWrite_AreBothAccepted_AndGiveEveryByteBack()
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        var transaction = $"MAIL FROM:<sender@example.com>\r\nRCPT TO:<{RawSmtpDialog.Recipient}>\r\nDATA\r\n";
        var message = RawSmtpDialog.MessageOfSize(40_000) + ".\r\n";

        await client.SendRawAsync(Encoding.Latin1.GetBytes("EHLO test.example\r\n" + transaction + message + transaction + message + "QUIT\r\n"));
        var replies = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            replies.Add((await client.ReadReplyAsync())[..3]);
        }

        Assert.That(replies, Is.EqualTo(new[] { "250", "250", "250", "354", "250", "250", "250", "354", "250", "221" }));
        Assert.That(Budget.Held, Is.Zero);
    }

    /// <summary>A session in DATA whose message (55,000 bytes, not yet ended) holds at least 50,000 bytes of the budget.</summary>
    private Task<RawSmtpClient> HoldMostOfTheBudgetAsync() => HoldAsync(55_000, 50_000);
}
