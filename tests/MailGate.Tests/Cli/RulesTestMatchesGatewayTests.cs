using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Buffers;
using System.Text;
using System.Text.Json;
using MailGate.Cli;
using MailGate.Parse;
using MailGate.Spool;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Cli;

/// <summary>
/// <c>rules test</c> answers "would this email have paged?" for the gateway: on every mail fixture, sent
/// to the real gateway byte for byte with the shipped rules, both give the same decision (page, drop by
/// the same rule, or error; the same untrusted audit lines), the same dedup keys and the same events
/// (summary, severity, sender, subject, accounts, body); on every support-case fixture, spooled as the
/// poller spools it, the same decision and dedup keys. Neither verifies here (the gateway's DNS knows no
/// keys, <c>rules test</c> runs offline), so both see the same trust.
/// </summary>
[TestFixture]
public sealed class RulesTestMatchesGatewayTests : GatewayTestBase
{
    private static readonly string[] Recipients = ["aws-abuse@mailgate.example.com", "aws-incident1@mailgate.example.com"];

    protected override string Rules => GatewayHarness.ShippedRules();

    private static string CaseFixtures => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "support-cases");

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
        var decisions = new HashSet<string>(StringComparer.Ordinal);
        using (Assert.EnterMultipleScope())
        {
            foreach (var (fixture, to, id) in sent)
            {
                var gateway = PagerDuty.Requests.Where(r => r.Details.GetProperty("spool_id").GetString() == id).Select(Comparable).ToArray();
                using var test = await RulesTestAsync(Mail.FixturePath(fixture), "--rcpt", to, "--mail-from", "group+bnc@example.com");
                // A fixture sent to both recipients may match one rule twice: the second copy is a duplicate (delivery ledger), not sent.
                var duplicates = SpoolStore.ReadState(Gateway.Spool.Find(id)!.Value.Message).Deliveries
                    .Where(d => d.Status == DeliveryStatus.Duplicate).Select(d => d.Event.DedupKey).ToHashSet(StringComparer.Ordinal);
                var events = test.RootElement.GetProperty("events").EnumerateArray()
                    .Where(e => !duplicates.Contains(e.GetProperty("dedup_key").GetString() ?? "")).Select(Comparable).ToArray();
                Assert.That(gateway, Is.EqualTo(events), $"{fixture} to {to}: events");
                var decision = Decision(test.RootElement);
                Assert.That(GatewayDecision(id), Is.EqualTo(decision), $"{fixture} to {to}: decision and dedup keys");
                decisions.Add(decision.Split(" | ")[0]);
            }
        }

        Assert.That(decisions, Is.SupersetOf(new[] { "page", "drop" }), "the fixtures exercise both outcomes");
    }

    [Test]
    public async Task EverySupportCaseFixture_GatewayAndRulesTest_DecideTheSame()
    {
        var fixtures = Directory.GetFiles(CaseFixtures, "*.json").Order(StringComparer.Ordinal).ToArray();
        Assert.That(fixtures, Is.Not.Empty);
        var spool = Gateway.Services.GetRequiredService<SpoolStore>();
        var inbox = Gateway.Services.GetRequiredService<ProcessingInbox>();
        var now = Gateway.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var sent = new List<(string Fixture, string CaseId, string SpoolId)>();
        foreach (var fixture in fixtures)
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(fixture));
            foreach (var supportCase in SupportCaseReader.Cases(document.RootElement))
            {
                // As the poller spools it: one case per entry, with the account its Support API answered for.
                var caseId = supportCase.GetProperty("caseId").GetString()!;
                var origin = new SupportCaseOrigin(SupportCaseReader.AccountOf(caseId), "", "", "en");
                var message = await spool.CommitAsync(Envelope.ForSupportCase(origin, now), new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(supportCase.GetRawText())), CancellationToken.None);
                inbox.Enqueue(message);
                sent.Add((fixture, caseId, message.Id));
            }
        }

        foreach (var (_, _, id) in sent)
        {
            Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done), id);
        }

        var decisions = new List<string>();
        using (Assert.EnterMultipleScope())
        {
            foreach (var group in sent.GroupBy(s => s.Fixture))
            {
                using var test = await RulesTestAsync(group.Key);
                var byCase = test.RootElement.EnumerateArray().ToDictionary(c => c.GetProperty("facts").GetProperty("case").GetProperty("case_id").GetString()!, Decision);
                foreach (var (fixture, caseId, id) in group)
                {
                    Assert.That(GatewayDecision(id), Is.EqualTo(byCase[caseId]), $"{Path.GetFileName(fixture)}: case {caseId}");
                    decisions.Add(byCase[caseId]);
                }
            }
        }

        Assert.That(decisions, Has.Some.StartsWith("page | "), "a security case pages");
    }

    /// <summary>What the gateway decided, from the message's <c>state.json</c>: action, rule that dropped it, dedup keys, untrusted audit lines.</summary>
    private string GatewayDecision(string spoolId)
    {
        var state = SpoolStore.ReadState(Gateway.Spool.Find(spoolId)!.Value.Message);
        var action = state.Deliveries.Count > 0 ? "page" : state.Error is not null ? "error" : "drop";
        return string.Join(" | ", action, state.DroppedBy ?? "-", string.Join(",", state.Deliveries.Select(d => d.Event.DedupKey)), string.Join(",", state.Untrusted));
    }

    /// <summary>The same from one decision of <c>rules test --json</c>.</summary>
    private static string Decision(JsonElement test) => string.Join(
        " | ",
        test.GetProperty("decision").GetString(),
        test.GetProperty("dropped_by").GetString() ?? "-",
        string.Join(",", test.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("dedup_key").GetString())),
        string.Join(",", test.GetProperty("untrusted").EnumerateArray().Select(u => u.GetString())));

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

    private async Task<JsonDocument> RulesTestAsync(string path, params string[] options)
    {
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(["rules", "test", path, "--rules", Gateway.RulesPath, .. options, "--json"], output, output);
        Assert.That(exit, Is.Zero, output.ToString());
        return JsonDocument.Parse(output.ToString());
    }
}
