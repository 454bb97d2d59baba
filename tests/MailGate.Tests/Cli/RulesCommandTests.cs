using System.Text.Json;
using MailGate.Cli;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;

namespace MailGate.Tests.Cli;

/// <summary><c>mailgate rules check</c> and <c>mailgate rules test</c>, run in-process with captured output.</summary>
[TestFixture]
public sealed class RulesCommandTests
{
    private const string Key = "Rabcdef0123456789abcdef012345678";
    private string _folder = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    private string RulesFile(string text)
    {
        var path = Path.Combine(_folder, "rules.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(args, output, output);
        return (exit, output.ToString());
    }

    [Test]
    public async Task Check_ValidFile_ListsEveryRuleAndExits0()
    {
        var (exit, output) = await RunAsync("rules", "check", "--rules", RulesFile(GatewayHarness.DefaultRules));

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain(": valid, version "));
        Assert.That(output, Does.Contain("1. aws-abuse-report (line 8) → page security-oncall (critical): sender ends with '@amazon.com' and subject contains 'Abuse Report'"));
        Assert.That(output, Does.Contain("2. everything-else (line 14) → drop: every message"));
        Assert.That(output.TrimEnd(), Does.EndWith("OK"));
    }

    [Test]
    public async Task Check_FileWithSeveralErrors_ReportsEachWithPositionAndExits1()
    {
        var path = RulesFile("""
            version: 1
            routes:
              r:
                pagerduty:
                  routing_key: x
            rules:
              - name: one
                when: { subjec: { contains: x } }
                route: r
              - name: two
                when: { subject: { startswith: x } }
                route: nowhere
            """);

        var (exit, output) = await RunAsync("rules", "check", "--rules", path);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain($"{path}:8:13: rule 'one': unknown field 'subjec'"));
        Assert.That(output, Does.Contain($"{path}:11:24: rule 'two': unknown operator 'startswith'"));
        Assert.That(output, Does.Contain($"{path}:12:12: rule 'two': undefined route 'nowhere'"));
        Assert.That(output, Does.Contain("INVALID, 3 error(s)"));
    }

    [Test]
    public async Task Check_SuspiciousFile_WarnsButExits0()
    {
        var path = RulesFile("""
            version: 1
            routes:
              r:
                pagerduty:
                  routing_key: ${MAILGATE_TEST_SURELY_UNSET_VARIABLE}
              unused:
                pagerduty:
                  routing_key: x
            rules:
              - name: impossible
                when:
                  all:
                    - subject: { equals: a }
                    - subject: { equals: b }
                route: r
              - name: catch-all
                route: r
              - name: shadowed
                action: drop
            """);

        var (exit, output) = await RunAsync("rules", "check", "--rules", path);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain($"warning: {path}:10: rule 'impossible': can never match: subject must equal two different values"));
        Assert.That(output, Does.Contain($"warning: {path}:18: rule 'shadowed': never reached: rule 'catch-all' (line 16)"));
        Assert.That(output, Does.Contain("route 'unused' is not used by any rule"));
        Assert.That(output, Does.Contain("${MAILGATE_TEST_SURELY_UNSET_VARIABLE} is not set"));
        Assert.That(output, Does.Contain("OK with 4 warning(s)"));
    }

    [Test]
    public async Task Check_ConditionAliasReferringToItself_ReportsThePositionAndExits1()
    {
        // Issue #11 §2: this aborted `rules check` (and the gateway) with a stack overflow.
        var path = RulesFile($$"""
            version: 1
            routes:
              r:
                pagerduty:
                  routing_key: {{Key}}
            rules:
              - name: loop
                when: &w { any: [ *w ] }
                route: r
            """);

        var (exit, output) = await RunAsync("rules", "check", "--rules", path);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output.ReplaceLineEndings("\n").TrimEnd(), Is.EqualTo(
            $"{path}:8:23: alias '*w' refers to a node that contains it ('&w' is still open here), which would repeat forever\n{path}: INVALID, 1 error(s)"));
    }

    [Test]
    public async Task Check_RulesPathIsADirectory_SaysSoAndExits1()
    {
        var (exit, output) = await RunAsync("rules", "check", "--rules", _folder);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.StartWith($"{_folder}:0:0: cannot read the rules file: it is a directory, not a file"));
    }

    [Test]
    public async Task Check_VersionOneFileExtractingABuiltInName_IsValidWithAWarning()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "rules-v1", "extract-account-id.yaml");

        var (exit, output) = await RunAsync("rules", "check", "--rules", path);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain($"warning: {path}:12: rule 'aws-abuse-report': extract 'account_id' has the name of a built-in placeholder"));
        Assert.That(output, Does.Contain(": valid, version "));
    }

    [Test]
    public async Task Test_AbuseReport_ShowsFactsVerdictsAndTheMaskedEvent()
    {
        var rules = RulesFile(GatewayHarness.DefaultRules.Replace(GatewayHarness.RoutingKey, Key, StringComparison.Ordinal));

        var (exit, output) = await RunAsync("rules", "test", Mail.FixturePath("abuse-report-via-google-group.eml"), "--rules", rules, "--rcpt", "aws-abuse@mailgate.example.com");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("sender         ec2-abuse@amazon.com  (the author, behind the group's From: rewriting)"));
        Assert.That(output, Does.Contain("subject        Your AWS Abuse Report [12345678] [AWS ID 123456789012]"));
        Assert.That(output, Does.Contain("[MATCH] aws-abuse-report: matched: sender ends with '@amazon.com'; subject contains 'Abuse Report'"));
        Assert.That(output, Does.Contain("[  -  ] everything-else: not reached"));
        Assert.That(output, Does.Contain("Decision: PAGE route 'security-oncall' by rule 'aws-abuse-report', severity critical"));
        Assert.That(output, Does.Contain("\"summary\": \"AWS abuse report for 123456789012: Your AWS Abuse Report [12345678] [AWS ID 123456789012]\""));
        Assert.That(output, Does.Contain("\"routing_key\": \"Rabc…(32 chars, masked)\""));
        Assert.That(output, Does.Not.Contain(Key[4..]));
    }

    [Test]
    public async Task Test_BillingMail_SaysWhyEachRuleDidNotMatch()
    {
        var (exit, output) = await RunAsync("rules", "test", Mail.FixturePath("billing-statement-via-google-group.eml"), "--rules", RulesFile(GatewayHarness.DefaultRules));

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("[ no  ] aws-abuse-report: subject does not contain 'Abuse Report' (was 'Amazon Web Services Billing Statement Available [Account: 123456789012]')"));
        Assert.That(output, Does.Contain("[MATCH] everything-else"));
        Assert.That(output, Does.Contain("Decision: DROP by rule 'everything-else'"));
        Assert.That(output, Does.Contain("recipient      aws-root-123456789012@example.com  (assumed from To/Cc"));
    }

    [Test]
    public async Task Test_Json_IsOneDocumentWithFactsRulesAndEvents()
    {
        var (exit, output) = await RunAsync("rules", "test", Mail.FixturePath("abuse-report-via-google-group.eml"), "--rules", RulesFile(GatewayHarness.DefaultRules), "--json");

        Assert.That(exit, Is.Zero, output);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(root.GetProperty("facts").GetProperty("sender").GetString(), Is.EqualTo("ec2-abuse@amazon.com"));
            Assert.That(root.GetProperty("decision").GetString(), Is.EqualTo("page"));
            Assert.That(root.GetProperty("rules")[0].GetProperty("matched").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("events")[0].GetProperty("dedup_key").GetString(), Does.StartWith("mailgate-aws-abuse-report-"));
            Assert.That(root.GetProperty("events")[0].GetProperty("routing_key").GetString(), Does.Contain("masked"));
        }
    }

    [Test]
    public async Task Test_SameMessageAsTheGateway_GivesTheSameDedupKey()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        var id = await Mail.SendAsync(gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await gateway.WaitFinishedAsync(id);

        var (_, output) = await RunAsync("rules", "test", Mail.FixturePath("abuse-report-via-google-group.eml"), "--rules", gateway.RulesPath, "--json");

        using var json = JsonDocument.Parse(output);
        Assert.That(json.RootElement.GetProperty("events")[0].GetProperty("dedup_key").GetString(), Is.EqualTo(pagerDuty.Requests[0].DedupKey));
    }

    /// <summary>The gateway parses with Smtp:MaxHeaderSize as its header limit; so must rules test, or it refuses mail the gateway pages for.</summary>
    [Test]
    public async Task Test_HeaderSectionWithinTheConfiguredMaxHeaderSize_IsParsedAsTheGatewayParsesIt()
    {
        var path = Path.Combine(_folder, "big-header.eml");
        var fold = string.Concat(Enumerable.Repeat("\r\n " + new string('x', 70), 4300));
        await File.WriteAllTextAsync(path, $"From: ec2-abuse@amazon.com\r\nTo: aws-abuse@mailgate.example.com\r\nSubject: Abuse Report\r\nX-Big: start{fold}\r\n\r\nbody\r\n");
        var rules = RulesFile(GatewayHarness.DefaultRules);

        var (defaultExit, defaultOutput) = await RunAsync("rules", "test", path, "--rules", rules);
        var (exit, output) = await RunAsync("rules", "test", path, "--rules", rules, "--Smtp:MaxHeaderSize=524288");
        var (badExit, badOutput) = await RunAsync("rules", "test", path, "--rules", rules, "--Smtp:MaxHeaderSize=10");

        using (Assert.EnterMultipleScope())
        {
            Assert.That((defaultExit, defaultOutput), Is.EqualTo((1, $"{path}: the header section is larger than 262144 bytes\n".ReplaceLineEndings())));
            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.Contain("Decision: PAGE route 'security-oncall' by rule 'aws-abuse-report'"));
            Assert.That((badExit, badOutput.Trim()), Is.EqualTo((1, "Smtp:MaxHeaderSize must be between 1024 and 1048576 bytes (is 10)")));
        }
    }

    private static string CaseFixture(string name) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "support-cases", name);

    private static string ShippedRules => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "shipped-rules.yaml");

    [Test]
    public async Task Test_SupportCaseJson_ShowsTheCaseFactsAndPagesWithTheShippedRule()
    {
        var (exit, output) = await RunAsync("rules", "test", CaseFixture("security-case-urgent-by-aws.json"), "--rules", ShippedRules);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("Support case case-123456789012-muen-2026-7c0ff3e8a1b2c3d4 from "));
        Assert.That(output, Does.Contain("source         support-case"));
        Assert.That(output, Does.Contain("category       security"));
        Assert.That(output, Does.Contain("submitted_by   aws-security-team@amazon.com  (also the sender)"));
        Assert.That(output, Does.Contain("account        123456789012  (from the case id"));
        Assert.That(output, Does.Contain("[ no  ] aws-abuse-report: recipient does not equal 'aws-abuse@mailgate.example.com' (was none)"));
        Assert.That(output, Does.Contain("[MATCH] aws-security-support-case: matched: source equals 'support-case'; category contains 'security'; submitted_by ends with '@amazon.com'; severity equals 'urgent'"));
        Assert.That(output, Does.Contain("Decision: PAGE route 'security-oncall' by rule 'aws-security-support-case', severity critical, dedup key mailgate-aws-security-support-case-case-123456789012-muen-2026-7c0ff3e8a1b2c3d4"));
        Assert.That(output, Does.Contain("\"summary\": \"AWS Support security case 178012345601 (urgent) in account 123456789012: Your AWS Account 123456789012 may be compromised\""));
    }

    [TestCase("eventbridge-risk.json", "111122223333", true)]
    [TestCase("eventbridge-abuse.json", "210987654321", true)]
    public async Task Test_HealthEventFromEventBridge_PagesWithTheShippedRule(string fixture, string account, bool pages)
    {
        var (exit, output) = await RunAsync("rules", "test", Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "health-events", fixture), "--rules", ShippedRules);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("AWS Health event arn:aws:health:"));
        Assert.That(output, Does.Contain("source         health-event"));
        Assert.That(output, Does.Contain($"account        {account}"));
        Assert.That(output.Contains("Decision: PAGE route 'security-oncall' by rule 'aws-health-security-event', severity critical", StringComparison.Ordinal), Is.EqualTo(pages), output);
    }

    [Test]
    public async Task Test_HealthDetailsResponse_DecidesEachAccount_AsJson()
    {
        var (exit, output) = await RunAsync("rules", "test", Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "health-events", "details-two-accounts.json"), "--rules", ShippedRules, "--json");

        Assert.That(exit, Is.Zero, output);
        using var json = JsonDocument.Parse(output);
        var results = json.RootElement.EnumerateArray().ToArray();
        Assert.That(results.Select(r => r.GetProperty("facts").GetProperty("account_id").GetString()), Is.EqualTo(new[] { "111122223333", "444455556666" }));
        Assert.That(results.Select(r => r.GetProperty("decision").GetString()), Is.EqualTo(new[] { "page", "page" }));
    }

    [Test]
    public async Task Test_DescribeCasesResponseWithSeveralCases_DecidesEach_AsJson()
    {
        var (exit, output) = await RunAsync("rules", "test", CaseFixture("limit-increase-and-resolved-security-case.json"), "--rules", ShippedRules, "--json");

        Assert.That(exit, Is.Zero, output);
        using var json = JsonDocument.Parse(output);
        var results = json.RootElement.EnumerateArray().ToArray();
        Assert.That(results.Select(r => r.GetProperty("facts").GetProperty("case").GetProperty("case_id").GetString()), Is.EqualTo(new[]
        {
            "case-123456789012-muen-2026-1111222233334444",
            "case-123456789012-muen-2026-5555666677778888",
        }));
        Assert.That(results.Select(r => r.GetProperty("decision").GetString()), Is.EqualTo(new[] { "drop", "drop" }), "a limit increase; a resolved case");
        var supportCaseRule = results[1].GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("rule").GetString() == "aws-security-support-case");
        Assert.That(supportCaseRule.GetProperty("reason").GetString(), Does.Contain("status"));
    }

    [TestCase("{\"cases\": []}", "not a support case")]
    [TestCase("{\"cases\": [{\"subject\": \"x\"}]}", "no caseId")]
    [TestCase("{\"caseId\": ", "not JSON")]
    public async Task Test_BadCaseJson_Exits1WithTheReason(string json, string reason)
    {
        var path = Path.Combine(_folder, "case.json");
        await File.WriteAllTextAsync(path, json);

        var (exit, output) = await RunAsync("rules", "test", path, "--rules", ShippedRules);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("case.json: ").And.Contain(reason));
    }

    [Test]
    public async Task Test_MissingMessage_Exits1WithTheReason()
    {
        var (exit, output) = await RunAsync("rules", "test", Path.Combine(_folder, "nope.eml"), "--rules", RulesFile(GatewayHarness.DefaultRules));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("nope.eml"));
    }

    [Test]
    public async Task Test_Verify_ChecksTheArcSealWithDnsAndShowsTheOutcome()
    {
        using var dns = new TinyDnsServer();
        var key = TestKeys.Ed25519();
        dns.Txt("arc-test._domainkey.google.com", 300, TestKeys.TxtRecord(key.Public));
        var message = Mail.Fixture("abuse-report-via-google-group.eml");
        foreach (var header in new[] { "ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results", "X-Original-Authentication-Results" })
        {
            message.Headers.RemoveAll(header);
        }

        const string results = "dkim=pass header.i=@amazon.com; spf=pass smtp.mailfrom=amazon.com; dmarc=pass (p=QUARANTINE) header.from=amazon.com";
        message.Headers.Add("X-Original-Authentication-Results", "mx.google.com; " + results);
        Signers.ArcSeal(message, key.Private, "google.com", "arc-test", results);
        var path = Path.Combine(_folder, "sealed.eml");
        await File.WriteAllBytesAsync(path, Signers.ToBytes(message));
        var shipped = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "shipped-rules.yaml"))
            .Replace("${PAGERDUTY_ROUTING_KEY}", Key, StringComparison.Ordinal);

        var (offlineExit, offline) = await RunAsync("rules", "test", path, "--rules", RulesFile(shipped), "--rcpt", "aws-abuse@mailgate.example.com");
        var (exit, verified) = await RunAsync("rules", "test", path, "--rules", RulesFile(shipped), "--rcpt", "aws-abuse@mailgate.example.com", "--verify", $"--Trust:DnsServers:0={dns.EndPoint}");

        Assert.That((offlineExit, exit), Is.EqualTo((0, 0)), verified);
        Assert.That(offline, Does.Contain("(not checked: offline"));
        Assert.That(offline, Does.Contain("severity warning, UNVERIFIED sender"));
        Assert.That(verified, Does.Contain("authenticated  arc=pass (google.com)"));
        Assert.That(verified, Does.Contain("original: dmarc=pass header.from=amazon.com"));
        Assert.That(verified, Does.Contain("trusted: authenticated: arc_sealed_by google.com; authenticated: original_dmarc amazon.com"));
        Assert.That(verified, Does.Contain("Decision: PAGE route 'security-oncall' by rule 'aws-abuse-report', severity critical, dedup key"));
    }
}
