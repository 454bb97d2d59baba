using System.Text.Json;
using MailGate.Cli;
using MailGate.Tests.EndToEnd;
using MailGate.Tests.Support;

namespace MailGate.Tests.Cli;

/// <summary>
/// <c>mailgate rules test</c> on what issues 11 §2 and 12 §2, §6, §8 are about, with the shipped rules:
/// the dedup key and reply deadline of an abuse report and its follow-up, a TAB-folded subject, a relay
/// of customer text, and a rule that fails.
/// </summary>
[TestFixture]
public sealed class RulesTestSemanticsTests
{
    private const string Abuse = "aws-abuse@mailgate.example.com";
    private string _folder = null!;

    private static string ShippedRules => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "shipped-rules.yaml");

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(args, output, output);
        return (exit, output.ToString());
    }

    [TestCase("abuse-report-original.eml", "24h after receipt (the rule's reply_within)")]
    [TestCase("abuse-report-re-followup.eml", "stated: \"within 24 hours\"")]
    public async Task Test_AbuseReportAndFollowUp_ShowTheSameDedupKeyAndTheReplyDeadline(string fixture, string basis)
    {
        var (exit, output) = await RunAsync("rules", "test", Mail.FixturePath(fixture), "--rules", ShippedRules, "--rcpt", Abuse);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("by rule 'aws-abuse-report', severity warning, UNVERIFIED sender, dedup key unverified-aws-abuse-report-123456789012-12345678"));
        Assert.That(output, Does.Match($@"Reply by: \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ  \({System.Text.RegularExpressions.Regex.Escape(basis)}\)"));
        Assert.That(output, Does.Contain("\"reply_by_basis\": "));
    }

    [Test]
    public async Task Test_TabFoldedSubject_MatchesAndShowsItNormalised()
    {
        var (exit, output) = await RunAsync("rules", "test", Mail.FixturePath("subject-folded-with-tab.eml"), "--rules", ShippedRules, "--rcpt", Abuse, "--json");

        Assert.That(exit, Is.Zero, output);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.That(root.GetProperty("decision").GetString(), Is.EqualTo("page"));
        Assert.That(root.GetProperty("dedup_keys")[0].GetString(), Is.EqualTo("unverified-aws-abuse-report-123456789012-12345678"));
        Assert.That(root.GetProperty("events")[0].GetProperty("payload").GetProperty("summary").GetString(),
            Is.EqualTo("[unverified] AWS abuse report for account 123456789012: Your AWS Abuse Report [12345678] [AWS ID 123456789012]"));
    }

    [Test]
    public async Task Test_SnsMessageWithAbuseReportSubject_IsDroppedByTheRelayRule()
    {
        var (exit, output) = await RunAsync("rules", "test", Mail.FixturePath("sns-topic-message-with-abuse-report-subject.eml"), "--rules", ShippedRules, "--rcpt", Abuse);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("[MATCH] aws-abuse-relayed-customer-text: matched: recipient 'aws-abuse@mailgate.example.com' equals 'aws-abuse@mailgate.example.com'; sender is in domain 'sns.amazonaws.com'"));
        Assert.That(output, Does.Contain("Decision: DROP by rule 'aws-abuse-relayed-customer-text'"));
    }

    [Test]
    public async Task Test_RegexTimesOut_VerdictIsErrorAndTheDecisionSaysDeadLetter()
    {
        var rules = Path.Combine(_folder, "rules.yaml");
        await File.WriteAllTextAsync(rules, RuleErrorTests.SlowRules);
        var eml = Path.Combine(_folder, "slow.eml");
        await RuleErrorTests.SlowMessage().WriteToAsync(eml);

        var (exit, output) = await RunAsync("rules", "test", eml, "--rules", rules);
        var (jsonExit, jsonOutput) = await RunAsync("rules", "test", eml, "--rules", rules, "--json");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("[ERROR] slow-abuse: error: regex timed out: body regex '(\\w+\\s?){1,200}!' timed out after 100 ms"));
        Assert.That(output, Does.Contain("Rule 'slow-abuse' could not be evaluated (regex_timeout)"));
        Assert.That(output, Does.Contain("Decision: ERROR: nothing pages, but a page rule could not be evaluated; the gateway dead-letters the message"));
        Assert.That(jsonExit, Is.Zero, jsonOutput);
        using var json = JsonDocument.Parse(jsonOutput);
        Assert.That(json.RootElement.GetProperty("decision").GetString(), Is.EqualTo("error"));
        Assert.That(json.RootElement.GetProperty("errors")[0].GetProperty("reason").GetString(), Is.EqualTo("regex_timeout"));
    }

    [Test]
    public async Task Test_UntrustedPagesOverTheirLimit_ShowsNotPaged_AsTheGatewayDecides()
    {
        var rules = Path.Combine(_folder, "rules.yaml");
        await File.WriteAllTextAsync(rules, """
            version: 1
            routes:
              oncall:
                pagerduty:
                  routing_key: R0123456789abcdef0123456789abcde
            trust:
              trusted:
                authenticated: { arc_sealed_by: google.com, original_dmarc: amazon.com }
              untrusted: { max_per_hour: 0 }
            rules:
              - name: aws-abuse-report
                when: { subject: { contains: Abuse Report } }
                trust: required
                route: oncall
            """);

        var (exit, output) = await RunAsync("rules", "test", Mail.FixturePath("abuse-report-original.eml"), "--rules", rules, "--rcpt", Abuse);
        var (jsonExit, jsonOutput) = await RunAsync("rules", "test", Mail.FixturePath("abuse-report-original.eml"), "--rules", rules, "--rcpt", Abuse, "--json");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("Rule 'aws-abuse-report' matched, but the message is not trusted and untrusted pages are over trust.untrusted.max_per_hour (logged and counted, no page)"));
        Assert.That(output, Does.Contain("Decision: DROP (no page: the message is not trusted, see above)").And.Not.Contain("Decision: PAGE"));
        Assert.That(jsonExit, Is.Zero, jsonOutput);
        using var json = JsonDocument.Parse(jsonOutput);
        Assert.That(json.RootElement.GetProperty("decision").GetString(), Is.EqualTo("drop"));
        Assert.That(json.RootElement.GetProperty("events").GetArrayLength(), Is.Zero);
        Assert.That(json.RootElement.GetProperty("untrusted")[0].GetString(), Is.EqualTo("aws-abuse-report: matched, but the message is not trusted and untrusted pages are over trust.untrusted.max_per_hour; not paged"));
    }
}
