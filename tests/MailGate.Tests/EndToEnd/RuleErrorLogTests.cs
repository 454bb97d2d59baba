using System.Text.Json;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace MailGate.Tests.EndToEnd;

/// <summary>The same failure as its log line: one JSON event at Error, EventId 320, with rule, reason and detail.</summary>
[TestFixture]
public sealed class RuleErrorLogTests
{
    [Test]
    public async Task PageRuleRegexTimesOut_LoggedAtErrorWithEventId320()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "rules.yaml"), RuleErrorTests.SlowRules);
            using var dns = new TinyDnsServer();
            await using var pagerDuty = await FakePagerDuty.StartAsync();
            await using var gateway = GatewayProcess.Start(
                "--Smtp:Port=0",
                "--Http:Url=http://127.0.0.1:0",
                $"--Spool:Path={Path.Combine(folder, "spool")}",
                $"--Rules:Path={Path.Combine(folder, "rules.yaml")}",
                $"--PagerDuty:EventsUrl={pagerDuty.EventsUrl}",
                $"--Trust:DnsServers:0={dns.EndPoint}",
                "--Logging:Format=json");
            var smtp = await gateway.WaitForSmtpAsync();
            using (var client = new SmtpClient())
            {
                await client.ConnectAsync(smtp.Address.ToString(), smtp.Port, SecureSocketOptions.None);
                await client.SendAsync(RuleErrorTests.SlowMessage());
            }

            var failed = await gateway.WaitForLineAsync(l => l.Contains("\"RuleFailed\"", StringComparison.Ordinal));
            var dead = await gateway.WaitForLineAsync(l => l.Contains("\"Dead-lettered", StringComparison.Ordinal));
            gateway.Terminate();
            await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));

            using var json = JsonDocument.Parse(failed);
            var root = json.RootElement;
            using (Assert.EnterMultipleScope())
            {
                Assert.That(root.GetProperty("@l").GetString(), Is.EqualTo("Error"));
                Assert.That(root.GetProperty("EventId").GetProperty("Id").GetInt32(), Is.EqualTo(320));
                Assert.That(root.GetProperty("Rule").GetString(), Is.EqualTo("slow-abuse"));
                Assert.That(root.GetProperty("Reason").GetString(), Is.EqualTo("regex_timeout"));
                Assert.That(root.GetProperty("Detail").GetString(), Does.Contain("timed out after 100 ms"));
                Assert.That(root.GetProperty("MessageId").GetString(), Is.EqualTo("slow-regex-1@example.com"));
                Assert.That(dead, Does.Contain("the rules could not decide"));
                Assert.That(pagerDuty.Requests, Is.Empty);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
