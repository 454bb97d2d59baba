using MailGate.Core.Parse;
using System.Text;
using System.Text.Json;
using MailGate.Parse;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;

namespace MailGate.Tests.Hosting;

/// <summary>
/// Issue #11 §1 end to end: a subject full of terminal escapes, bidi overrides and separators, and a
/// 190 KB folded subject, sent to the real gateway process; its console output (text and JSON) and the
/// event PagerDuty receives carry them only as visible escapes, and bounded.
/// </summary>
[TestFixture]
public sealed class HostileTextProcessTests
{
    private const string HostileSubject = "Your AWS Abuse Report \u001b[2J\u001b[31mRED\u001b[0m \u202Efdp.exe \u2066x\u2069 a\u2028b\u2029c d\u0085e";

    private GatewayProcessFolder _run = null!;

    [SetUp]
    public void SetUp() => _run = new GatewayProcessFolder(GatewayHarness.DefaultRules);

    [TearDown]
    public void TearDown() => _run.Dispose();

    [TestCase("text")]
    [TestCase("json")]
    public async Task HostileSubject_LogLinesAndIncident_ShowEscapesOnly(string format)
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(_run.Settings(pagerDuty, "--Logging:Format=" + format));
        var smtp = await gateway.WaitForSmtpAsync();

        await SendAsync(smtp, $"Subject: =?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(HostileSubject))}?=");

        var outcome = await gateway.WaitForLineAsync(l => l.Contains("Outcome for", StringComparison.Ordinal));
        var summary = pagerDuty.Requests[0].Payload.GetProperty("summary").GetString()!;
        using (Assert.EnterMultipleScope())
        {
            foreach (var line in gateway.Lines)
            {
                Assert.That(UntrustedText.NeedsEscape(line), Is.False, line);
            }

            var decided = gateway.Lines.Single(l => l.Contains("Decided", StringComparison.Ordinal));
            var subject = format == "json" ? JsonDocument.Parse(decided).RootElement.GetProperty("Subject").GetString()! : decided;
            // NEL is a C1 control: it never reaches the facts (U+FFFD there), so the log shows that.
            Assert.That(subject, Does.Contain("\\u001B[2J\\u001B[31mRED\\u001B[0m \\u202Efdp.exe \\u2066x\\u2069 a\\u2028b\\u2029c d\uFFFDe"));
            Assert.That(outcome, Does.Contain("\\u202Efdp.exe"));
            Assert.That(UntrustedText.NeedsEscape(summary), Is.False, summary);
            Assert.That(summary, Does.StartWith("AWS abuse report for 123456789012: Your AWS Abuse Report \\u001B[2J\\u001B[31mRED\\u001B[0m \\u202Efdp.exe \\u2066x\\u2069"));
        }
    }

    [Test]
    public async Task FoldedSubjectOf190Kb_EachLogLineStaysSmall()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(_run.Settings(pagerDuty));
        var smtp = await gateway.WaitForSmtpAsync();
        var words = Enumerable.Repeat("Abuse Report folded", 190 * 1024 / 21);

        await SendAsync(smtp, "Subject: " + string.Join("\r\n ", words));

        await gateway.WaitForLineAsync(l => l.Contains("Outcome for", StringComparison.Ordinal));
        var decided = gateway.Lines.Single(l => l.Contains("Decided", StringComparison.Ordinal));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(gateway.Lines.Sum(l => l.Length), Is.LessThan(16 * 1024), "all lines of the run together (was 379 KB for this message)");
            Assert.That(decided, Does.Contain("…(+"));
            Assert.That(pagerDuty.Requests[0].Payload.GetProperty("summary").GetString()!, Has.Length.LessThanOrEqualTo(1024));
        }
    }

    private static async Task SendAsync(System.Net.IPEndPoint smtp, string subjectHeader)
    {
        var (client, greeting) = await RawSmtpClient.ConnectAsync(smtp);
        await using (client)
        {
            Assert.That(greeting, Does.StartWith("220 "));
            Assert.That(await client.CommandAsync("EHLO test.example"), Does.StartWith("250"));
            Assert.That(await client.CommandAsync("MAIL FROM:<bounce@example.com>"), Does.StartWith("250"));
            Assert.That(await client.CommandAsync("RCPT TO:<aws-abuse@mailgate.example.com>"), Does.StartWith("250"));
            Assert.That(await client.CommandAsync("DATA"), Does.StartWith("354"));
            var message = "From: AWS <ec2-abuse@amazon.com>\r\nTo: aws-abuse@mailgate.example.com\r\nMessage-ID: <hostile@example.com>\r\n"
                + subjectHeader + "\r\n\r\nAWS ID: 123456789012\r\n.\r\n";
            await client.SendRawAsync(Encoding.UTF8.GetBytes(message));
            Assert.That(await client.ReadReplyAsync(), Does.StartWith("250"));
            await client.QuitAsync();
        }
    }
}
