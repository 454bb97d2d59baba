using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Storage;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

/// <summary>
/// Every shape of rules file that some version of MailGate accepted (tests/Fixtures/rules-v1/, one
/// file per area, each naming the commit that accepted it) loads in this build, with the same meaning
/// on a sample message (issue #12 §1: a version-1 file extracting <c>account_id</c> stopped loading
/// when <c>{account_id}</c> became a built-in placeholder, and the gateway did not start).
/// </summary>
[TestFixture]
public class RulesV1FixturesTests
{
    private const string Abuse = "aws-abuse@mailgate.example.com";
    private const string Incident = "aws-incident1@mailgate.example.com";

    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "rules-v1");

    private static readonly RulesLoadOptions Environment = new()
    {
        Environment = name => name switch
        {
            "PAGERDUTY_ROUTING_KEY" => GatewayKey,
            "PAGERDUTY_KEY_SUFFIX" => "suffix",
            _ => null,
        },
    };

    private const string GatewayKey = "R0123456789abcdef0123456789abcde";

    private static IEnumerable<string> Fixtures() =>
        Directory.EnumerateFiles(Folder, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [Test]
    public void Folder_HoldsAFileForEveryArea()
    {
        Assert.That(Fixtures(), Is.SupersetOf(new[]
        {
            "extract-account-id.yaml", "extract-forms.yaml", "fields-and-operators.yaml", "nested-conditions.yaml", "templates.yaml",
            "actions-and-flow.yaml", "routes-and-keys.yaml", "empty-rule-name.yaml", "anchors-and-aliases.yaml",
            "trust-and-accounts.yaml", "trust-untrusted-drop.yaml", "support-case-fields.yaml",
            "shipped-rules-1687811.yaml", "shipped-rules-e0798e5.yaml", "shipped-rules-ea41211.yaml", "body-lines.yaml",
        }));
    }

    [TestCaseSource(nameof(Fixtures))]
    public void Load_VersionOneFile_LoadsInThisBuild(string fixture)
    {
        var ok = RulesLoader.TryParse(File.ReadAllText(Path.Combine(Folder, fixture)), fixture, Environment, out var rules, out var errors);

        Assert.That(ok, Is.True, string.Join("\n", errors));
        Assert.That(rules!.Rules, Is.Not.Empty);
    }

    private static IEnumerable<TestCaseData> Meanings()
    {
        // The issue's example, on the real abuse report through a Google Group: the summary names the extracted account.
        yield return Mail("extract-account-id.yaml", "abuse-report-via-google-group.eml", Abuse,
            "aws-abuse-report→security@critical: AWS abuse report, account 123456789012: Your AWS Abuse Report [12345678] [AWS ID 123456789012] [default]");
        // The rule's own extract wins over the built-in account id (here from an accounts map) …
        yield return Facts("extract-account-id.yaml", "extract wins over the built-in",
            SomeFacts.Message() with { Sender = "abuse@amazon.com", Subject = "Your AWS Abuse Report [1] [AWS ID 111122223333]", AccountId = "999988887777" },
            "aws-abuse-report→security@critical: AWS abuse report, account 111122223333: Your AWS Abuse Report [1] [AWS ID 111122223333] [default]");
        // … and when the extract finds nothing, the built-in value stands in.
        yield return Facts("extract-account-id.yaml", "built-in when the extract finds nothing",
            SomeFacts.Message() with { Sender = "abuse@amazon.com", Subject = "Your AWS Abuse Report [1]", AccountId = "999988887777" },
            "aws-abuse-report→security@critical: AWS abuse report, account 999988887777: Your AWS Abuse Report [1] [default]");
        yield return Facts("extract-account-id.yaml", "other mail",
            SomeFacts.Message(), "drop by everything-else");

        yield return Mail("shipped-rules-1687811.yaml", "abuse-report-via-google-group.eml", Abuse,
            "aws-abuse-report→security-oncall@critical: AWS abuse report for account 123456789012: Your AWS Abuse Report [12345678] [AWS ID 123456789012] [default]");
        yield return Mail("shipped-rules-1687811.yaml", "abuse-report-via-google-group.eml", Incident,
            "aws-incident→security-oncall@critical: Your AWS Abuse Report [12345678] [AWS ID 123456789012] (account 123456789012) [default]");
        yield return Mail("shipped-rules-1687811.yaml", "billing-statement-via-google-group.eml", Abuse, "drop by everything-else");
        // Offline nothing is verified: the trust policy of e0798e5 pages at warning, marked.
        yield return Mail("shipped-rules-e0798e5.yaml", "abuse-report-via-google-group.eml", Abuse,
            "aws-abuse-report→security-oncall@warning untrusted: [unverified] AWS abuse report for account 123456789012: Your AWS Abuse Report [12345678] [AWS ID 123456789012] [unverified default]");
        yield return Facts("shipped-rules-ea41211.yaml", "a security case AWS opened",
            SupportCase(),
            "aws-security-support-case→security-oncall@critical: AWS Support security case 1234567890 (urgent) in account 123456789012: Suspicious activity in your account [default]");

        yield return Field("sender", " Alerts@Amazon.com ", "sender-equals");
        yield return Field("from", "no-reply-aws@amazon.com", "from-contains-list");
        yield return Field("envelope_from", "bounce+123@amazonses.com", "envelope-from-starts-with");
        yield return Field("recipient", "ops@pager.example.com", "recipient-ends-with");
        yield return Field("to", "team@mail.security.example.com", "to-domain");
        yield return Field("cc", "x@aws.com", "cc-domain-list");
        yield return Field("subject", "[ALARM] CPU high in us-east-1", "subject-regex");
        yield return Field("body", "Someone used the root user sign-in.", "body-regex-list");
        yield return Field("list_id", "AWS-root.example.com", "list-id-equals");
        yield return Field("message_id", "0100abc@email.amazonses.com", "message-id-ends-with");
        yield return Field("subject", "Your AWS Abuse Report", "two-operators-on-one-field");
        yield return Facts("fields-and-operators.yaml", "header contains",
            SomeFacts.Message() with { Headers = SomeFacts.Headers(("X-AWS-Category", "Security notice")) }, "header-contains→oncall@critical: Hello [default]");
        yield return Facts("fields-and-operators.yaml", "header equals one of a list",
            SomeFacts.Message() with { Headers = SomeFacts.Headers(("X-Mailer", "AWS Notifications")) }, "header-list-of-values→oncall@critical: Hello [default]");
        yield return Facts("fields-and-operators.yaml", "nothing matches", SomeFacts.Message(), "drop by everything-else");

        yield return Facts("nested-conditions.yaml", "abuse report", SomeFacts.Message() with { Sender = "a@amazon.com", Subject = "Your AWS Abuse Report" }, "nested→oncall@critical: Your AWS Abuse Report [default]");
        yield return Facts("nested-conditions.yaml", "abuse in the body", SomeFacts.Message() with { Sender = "a@amazon.com", Subject = "Notice", Body = "about abuse" }, "nested→oncall@critical: Notice [default]");
        yield return Facts("nested-conditions.yaml", "a reply", SomeFacts.Message() with { Sender = "a@amazon.com", Subject = "RE: Notice", Body = "about abuse" }, "drop by everything-else");
        yield return Facts("nested-conditions.yaml", "an invoice", SomeFacts.Message() with { Sender = "a@amazon.com", Subject = "Abuse Report invoice" }, "drop by everything-else");
        yield return Facts("nested-conditions.yaml", "not from amazon", SomeFacts.Message() with { Subject = "Your AWS Abuse Report" }, "drop by everything-else");

        yield return Facts("extract-forms.yaml", "every extract finds its value",
            SomeFacts.Message() with
            {
                Subject = "Abuse Report [4242] AWS ID 123456789012",
                Body = "Case 77\nAccount name: prod-x\nOwner: team-a\nSource: sns\nSeverity: high\nStatus: open\nCategory: abuse\nService: ec2\nLanguage: ja",
                To = ["sec-team@example.com"],
                Headers = SomeFacts.Headers(("X-Mailer", "Amazon SES")),
                AccountId = "999988887777",
            },
            "extracts→oncall@critical: 4242|123456789012|123456789012|77|Amazon|sec-team|prod-x|123456789012|prod-x|team-a|sns|high|open|abuse|ec2|ja [report-4242-123456789012]");
        yield return Facts("extract-forms.yaml", "extracts that find nothing: built-in values stand in for built-in names",
            SomeFacts.Message() with { Subject = "Report", AccountId = "999988887777", AccountName = "prod-y", AccountOwner = "team-b" },
            "extracts→oncall@critical: |||||inbox|prod-y (999988887777)|999988887777|prod-y|team-b|mail||||| [report--999988887777]");

        // A regex reads the body line by line, as version 1 read it raw: a whole-line match, and .+ to the end of its line.
        yield return Facts("body-lines.yaml", "line idioms on a CRLF body",
            SomeFacts.Message() with { Body = "Alarm: cpu\r\nStatus:\tALARM\r\nAccount: 123456789012\r\nRegion: us-east-1 \r\nInstance:\r\n  i-0abc  web\r\nThanks\r\n" },
            "alarm→oncall@critical: ALARM in us-east-1 for 123456789012: i-0abc web [default]");
        yield return Facts("body-lines.yaml", "line idioms on a LF body",
            SomeFacts.Message() with { Body = "Status: ALARM\nRegion: eu-west-1\nAccount: 210987654321\nInstance:\ni-1\n" },
            "alarm→oncall@critical: ALARM in eu-west-1 for 210987654321: i-1 [default]");
        yield return Facts("body-lines.yaml", "the status on a longer line",
            SomeFacts.Message() with { Body = "Old Status: ALARM\nRegion: eu-west-1" }, "drop by everything-else");

        yield return Facts("templates.yaml", "every placeholder",
            SomeFacts.Message() with { Subject = "Alarm #12", Cc = ["c@example.org"], ListId = "list.example.org" },
            "templated→oncall@critical: {templated} Alarm #12 from someone@example.org (someone@example.org, envelope bounce@example.org) to inbox@mailgate.example.com / inbox@mailgate.example.com / c@example.org list list.example.org msg abc123@example.org spool spool-0001 id 12 [templated-12]");

        yield return Facts("actions-and-flow.yaml", "dropped first", SomeFacts.Message() with { Subject = "alarm newsletter" }, "drop by noisy");
        yield return Facts("actions-and-flow.yaml", "continue pages twice", SomeFacts.Message() with { Subject = "alarm" },
            "copy-to-first→first@warning: alarm [default]; page-second→second@critical: alarm [default]");
        yield return Facts("actions-and-flow.yaml", "rule without when", SomeFacts.Message(), "catch-all→first@error: Hello [default]");

        yield return Facts("routes-and-keys.yaml", "literal key", SomeFacts.Message() with { Subject = "literal" }, "to-literal→literal@info: literal [default]");
        yield return Facts("routes-and-keys.yaml", "variable key", SomeFacts.Message() with { Subject = "variable" }, "to-variable→variable@critical: variable [default]");
        yield return Facts("routes-and-keys.yaml", "embedded variable", SomeFacts.Message(), "to-embedded→embedded@warning: Hello [default]");

        yield return Facts("empty-rule-name.yaml", "the rule named ''", SomeFacts.Message() with { Subject = "alarm" }, "→oncall@critical: alarm [default]");

        yield return Facts("anchors-and-aliases.yaml", "alias inside all", SomeFacts.Message() with { Sender = "t@aws.com", Subject = "Abuse Report" }, "abuse→oncall@critical: Abuse Report [default]");
        yield return Facts("anchors-and-aliases.yaml", "alias as a whole when", SomeFacts.Message() with { Sender = "t@aws.com" }, "drop by from-aws");
        yield return Facts("anchors-and-aliases.yaml", "alias inside not, and an aliased list", SomeFacts.Message() with { From = "t@amazon.com" }, "not-aws→oncall@critical: Hello [default]");

        yield return Facts("trust-and-accounts.yaml", "untrusted abuse report about a mapped account",
            SomeFacts.Message() with { To = ["aws-root-123456789012@example.com"], Subject = "Your AWS Abuse Report" },
            "abuse→quiet@warning untrusted: [unverified] prod-payments (123456789012) (123456789012, prod-payments, payments-team): Your AWS Abuse Report [unverified default]");
        yield return Facts("trust-and-accounts.yaml", "account by List-Id, trust optional",
            SomeFacts.Message() with { ListId = "aws-root-210987654321.example.com" },
            "other→security-oncall@critical: Hello (account 210987654321) [default]");
        yield return Facts("trust-untrusted-drop.yaml", "untrusted is dropped",
            SomeFacts.Message() with { Subject = "Your AWS Abuse Report" }, "drop untrusted abuse");

        yield return Facts("support-case-fields.yaml", "every case field",
            SupportCase() with { Case = SupportCase().Case! with { Service = "amazon-ec2", Language = "en", TimeCreated = "2026-11-28T10:00:00.000Z", AccountEmail = "ops@example.com" } },
            "case→oncall@critical: support-case case-123456789012-muen-2026-0123456789abcdef 1234567890 security amazon-ec2 urgent opened aws-security@amazon.com en 2026-11-28T10:00:00.000Z ops@example.com https://console.aws.amazon.com/support/home#/case/?displayId=1234567890&language=en [case-case-123456789012-muen-2026-0123456789abcdef]");
    }

    [TestCaseSource(nameof(Meanings))]
    public void Evaluate_VersionOneFile_KeepsItsMeaning(string fixture, MessageFacts facts, string expected)
    {
        var rules = RulesLoader.Load(Path.Combine(Folder, fixture), Environment);

        var decision = RuleEvaluator.Evaluate(rules, AccountResolver.Resolve(facts, rules.Accounts));

        Assert.That(Outcome(decision), Is.EqualTo(expected));
    }

    [Test]
    public void Load_RoutingKeys_AreReadAsVersionOneReadThem()
    {
        var routes = RulesLoader.Load(Path.Combine(Folder, "routes-and-keys.yaml"), Environment).Routes;

        Assert.That(routes.Values.Select(r => (r.Name, r.PagerDuty.RoutingKey)), Is.EquivalentTo(new[]
        {
            ("literal", "R0123456789abcdef0123456789abcde"), ("variable", GatewayKey), ("embedded", "R0suffix"),
        }));
    }

    [Test]
    public void Warnings_ExtractOfABuiltInNameAndAnEmptyName_AreWarnedAbout()
    {
        var extract = RulesCheck.Warnings(RulesLoader.Load(Path.Combine(Folder, "extract-account-id.yaml"), Environment));
        var empty = RulesCheck.Warnings(RulesLoader.Load(Path.Combine(Folder, "empty-rule-name.yaml"), Environment));

        Assert.That(extract.Select(w => $"{w.Line} {w.Rule}: {w.Message}"), Is.EqualTo(new[]
        {
            "12 aws-abuse-report: extract 'account_id' has the name of a built-in placeholder: in this rule's summary and dedup_key {account_id} is the extracted value, or the built-in one when the extract finds nothing",
        }));
        Assert.That(empty.Select(w => $"{w.Line} {w.Rule}: {w.Message}"), Is.EqualTo(new[]
        {
            "11 : a rule with an empty name: logs, metrics and incidents cannot tell which rule matched; give it a name (renaming changes its dedup keys)",
        }));
    }

    private static TestCaseData Mail(string fixture, string eml, string recipient, string expected)
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Fixtures", "mail", eml));
        var envelope = Envelope.ForMail("group+bnc@example.com", [recipient], DateTimeOffset.UnixEpoch, null, null);
        var facts = new MessageParser().Parse("test", envelope, stream);
        return new TestCaseData(fixture, facts, expected).SetArgDisplayNames(fixture, eml, recipient);
    }

    private static TestCaseData Facts(string fixture, string name, MessageFacts facts, string expected) =>
        new TestCaseData(fixture, facts, expected).SetArgDisplayNames(fixture, name);

    private static TestCaseData Field(string field, string value, string rule) =>
        new TestCaseData("fields-and-operators.yaml", SomeFacts.With(field, value), $"{rule}→oncall@critical: {(field == "subject" ? value : "Hello")} [default]")
            .SetArgDisplayNames("fields-and-operators.yaml", field);

    private static MessageFacts SupportCase() => SomeFacts.Message() with
    {
        Subject = "Suspicious activity in your account",
        AccountId = "123456789012",
        Case = new SupportCaseFacts
        {
            CaseId = "case-123456789012-muen-2026-0123456789abcdef",
            DisplayId = "1234567890",
            Category = "security",
            Severity = "urgent",
            Status = "opened",
            SubmittedBy = "aws-security@amazon.com",
        },
    };

    /// <summary>One line per decision: each match as <c>rule→route@severity: summary [dedup key]</c> (<c>default</c> for the default key), or how it was dropped.</summary>
    private static string Outcome(Decision decision) =>
        decision.Matches.Count > 0
            ? string.Join("; ", decision.Matches.Select(m =>
                $"{m.Rule}→{m.Route}@{m.Severity}{(m.Trusted ? "" : " untrusted")}: {m.Summary} [{Key(m.DedupKey)}]"))
            : decision.DroppedBy is { } rule ? $"drop by {rule}"
            : decision.UntrustedDrops is { Count: > 0 } untrusted ? $"drop untrusted {string.Join(",", untrusted)}"
            : "drop (no rule)";

    /// <summary>"default" for the default dedup key ("unverified default" for an unverified match's, which is kept apart).</summary>
    private static string Key(string dedupKey) =>
        dedupKey.StartsWith("mailgate-", StringComparison.Ordinal) ? "default"
        : dedupKey.StartsWith("unverified-mailgate-", StringComparison.Ordinal) ? "unverified default"
        : dedupKey;
}
