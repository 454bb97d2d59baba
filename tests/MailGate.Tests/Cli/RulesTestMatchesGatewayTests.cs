using System.Text.Json;
using MailGate.Cli;
using MailGate.Storage;
using MailGate.Tests.Support;

namespace MailGate.Tests.Cli;

/// <summary>
/// <c>rules test</c> answers "would this email have paged?" for the gateway: on every mail fixture, sent
/// to the real gateway byte for byte with the shipped rules, both give the same decision and the same
/// events (dedup key, summary, severity, sender, subject, accounts, body). Neither verifies here (the
/// gateway's DNS knows no keys, <c>rules test</c> runs offline), so both see the same trust.
/// </summary>
[TestFixture]
public sealed class RulesTestMatchesGatewayTests : GatewayTestBase
{
    private static readonly string[] Recipients = ["aws-abuse@mailgate.example.com", "aws-incident1@mailgate.example.com"];

    protected override string Rules => GatewayHarness.ShippedRules();

    [Test]
    public async Task EveryFixture_GatewayAndRulesTest_DecideTheSame()
    {
        var fixtures = Directory.GetFiles(Path.GetDirectoryName(Mail.FixturePath("x"))!, "*.eml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.That(fixtures, Has.Length.GreaterThan(20));
        var sent = new List<(string Fixture, string To, string SpoolId)>();
        foreach (var fixture in fixtures)
        {
            foreach (var to in Recipients)
            {
                sent.Add((fixture!, to, await Mail.SendFixtureAsync(Gateway, fixture!, to)));
            }
        }

        foreach (var (_, _, id) in sent)
        {
            Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done), id);
        }

        Assert.That(PagerDuty.Requests, Has.Count.GreaterThanOrEqualTo(30), "aws-incident1@ pages every fixture, aws-abuse@ the reports");
        using (Assert.EnterMultipleScope())
        {
            foreach (var (fixture, to, id) in sent)
            {
                var gateway = PagerDuty.Requests.Where(r => r.Details.GetProperty("spool_id").GetString() == id).Select(Comparable).ToArray();
                var test = await RulesTestEventsAsync(fixture, to);
                Assert.That(gateway, Is.EqualTo(test), $"{fixture} to {to}");
            }
        }
    }

    /// <summary>What must agree: everything but the moment of receipt and the spool id (and the authentication line: offline vs. no key).</summary>
    private static string Comparable(ReceivedEvent received) => Comparable(received.Json);

    private static string Comparable(JsonElement json)
    {
        var payload = json.GetProperty("payload");
        var details = payload.GetProperty("custom_details");
        return string.Join(" | ",
            json.GetProperty("dedup_key").GetString(),
            payload.GetProperty("summary").GetString(),
            payload.GetProperty("severity").GetString(),
            payload.GetProperty("source").GetString(),
            payload.GetProperty("class").GetString(),
            details.GetProperty("subject").GetString(),
            details.GetProperty("sender").GetString(),
            details.GetProperty("account").GetString(),
            string.Join(",", details.GetProperty("account_ids").EnumerateArray().Select(e => e.GetString())),
            details.GetProperty("trusted").GetBoolean(),
            details.GetProperty("body").GetString());
    }

    private async Task<string[]> RulesTestEventsAsync(string fixture, string to)
    {
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(
            ["rules", "test", Mail.FixturePath(fixture), "--rules", Gateway.RulesPath, "--rcpt", to, "--mail-from", "group+bnc@example.com", "--json"], output, output);
        Assert.That(exit, Is.Zero, output.ToString());
        using var document = JsonDocument.Parse(output.ToString());
        return [.. document.RootElement.GetProperty("events").EnumerateArray().Select(Comparable)];
    }
}
