using MailGate.Core.Messages;
using MailGate.Core.Deliver;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Storage;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

/// <summary>Support cases through the rules engine: their fields, the shipped rule, dedup keys, trust and events.</summary>
[TestFixture]
public class SupportCaseRulesTests
{
    private static readonly RuleSet Shipped = RulesLoader.Load(
        Path.Combine(TestContext.CurrentContext.WorkDirectory, "Fixtures", "shipped-rules.yaml"),
        new RulesLoadOptions { Environment = _ => "R0123456789abcdef0123456789abcde" });

    /// <summary>A case as the seed script would page for it, changed by <paramref name="change"/>.</summary>
    private static MessageFacts Case(Func<SupportCaseFacts, SupportCaseFacts>? change = null)
    {
        var supportCase = new SupportCaseFacts
        {
            CaseId = "case-123456789012-muen-2026-7c0ff3e8a1b2c3d4",
            DisplayId = "178012345601",
            Category = "security",
            Service = "aws-identity-and-access-management",
            Severity = "urgent",
            Status = "opened",
            SubmittedBy = "aws-security-team@amazon.com",
            Language = "en",
            TimeCreated = "2026-11-28T13:58:07.412Z",
            AccountEmail = "aws-root-123456789012@example.com",
        };
        supportCase = change?.Invoke(supportCase) ?? supportCase;
        return new MessageFacts
        {
            SpoolId = "s1",
            Sender = supportCase.SubmittedBy,
            From = supportCase.SubmittedBy,
            Subject = "Your AWS Account 123456789012 may be compromised",
            Body = "We have become aware that the AWS Access Key AKIAEXAMPLE is publicly available.",
            AccountId = "123456789012",
            AccountName = "prod-payments",
            Case = supportCase,
        };
    }

    [TestCase("source", "support-case")]
    [TestCase("case_id", "case-123456789012-muen-2026-7c0ff3e8a1b2c3d4")]
    [TestCase("display_id", "178012345601")]
    [TestCase("category", "security")]
    [TestCase("service", "aws-identity-and-access-management")]
    [TestCase("severity", "urgent")]
    [TestCase("status", "opened")]
    [TestCase("submitted_by", "aws-security-team@amazon.com")]
    [TestCase("language", "en")]
    [TestCase("time_created", "2026-11-28T13:58:07.412Z")]
    [TestCase("account_email", "aws-root-123456789012@example.com")]
    public void Field_OfACase_MatchesItsValue(string field, string value)
    {
        Assert.That(TestRules.Matches($"{{ {field}: {{ equals: \"{value}\" }} }}", Case()), Is.True);
        Assert.That(TestRules.Matches($"{{ {field}: {{ equals: \"other\" }} }}", Case()), Is.False);
    }

    [TestCase("case_id")]
    [TestCase("category")]
    [TestCase("severity")]
    [TestCase("status")]
    [TestCase("submitted_by")]
    public void CaseField_OfMail_IsEmpty(string field)
    {
        var mail = SomeFacts.Message();
        Assert.That(TestRules.Matches($"{{ {field}: {{ regex: \"^$\" }} }}", mail), Is.True);
        Assert.That(TestRules.Matches("{ source: { equals: mail } }", mail), Is.True);
    }

    // The seed script's conditions: category contains security, submitted by @amazon.com, urgent or critical, unresolved.
    [TestCase("security", "aws-security-team@amazon.com", "urgent", "opened", true)]
    [TestCase("security", "aws-security-team@amazon.com", "critical", "pending-customer-action", true)]
    [TestCase("security-incident", "trust-and-safety@amazon.com", "critical", "opened", true)]
    [TestCase("SECURITY", "AWS-Security@Amazon.com", "URGENT", "opened", true)]
    [TestCase("security", "aws-security-team@amazon.com", "high", "opened", false)]
    [TestCase("security", "aws-security-team@amazon.com", "low", "opened", false)]
    [TestCase("security", "aws-security-team@amazon.com", "urgent", "resolved", false)]
    [TestCase("security", "security@example.com", "urgent", "opened", false)]
    [TestCase("security", "someone@amazon.com.attacker.example", "urgent", "opened", false)]
    [TestCase("billing", "aws-security-team@amazon.com", "urgent", "opened", false)]
    [TestCase("service-limit-increase", "aws-security-team@amazon.com", "critical", "opened", false)]
    public void ShippedRule_PagesLikeTheSeedScript(string category, string submittedBy, string severity, string status, bool pages)
    {
        var facts = Case(c => c with { Category = category, SubmittedBy = submittedBy, Severity = severity, Status = status });

        var decision = RuleEvaluator.Evaluate(Shipped, facts);

        if (pages)
        {
            var match = decision.Matches.Single();
            Assert.That(match.Rule, Is.EqualTo("aws-security-support-case"));
            Assert.That((match.Severity, match.Trusted), Is.EqualTo(("critical", true)), "cases are read from AWS's API: trusted");
            Assert.That(match.Summary, Is.EqualTo($"AWS Support security case 178012345601 ({severity}) in account prod-payments (123456789012): Your AWS Account 123456789012 may be compromised"));
        }
        else
        {
            Assert.That(decision.DroppedBy, Is.EqualTo("everything-else"));
        }
    }

    [Test]
    public void ShippedRules_MailRulesNeverMatchACase()
    {
        // A case whose subject says "Abuse Report" must not be taken for the abuse-report mail.
        var facts = Case(c => c with { Category = "billing" }) with { Subject = "Abuse Report [AWS ID 123456789012]" };

        Assert.That(RuleEvaluator.Evaluate(Shipped, facts).DroppedBy, Is.EqualTo("everything-else"));
    }

    [Test]
    public void DefaultDedupKey_IsTheRuleAndTheCaseId_WhateverElseChanges()
    {
        var first = TestRules.SingleMatch(Shipped, Case());
        var later = TestRules.SingleMatch(Shipped, Case(c => c with { Status = "pending-customer-action" }) with { SpoolId = "s2", Body = "changed" });

        Assert.That(first.DedupKey, Is.EqualTo("mailgate-aws-security-support-case-case-123456789012-muen-2026-7c0ff3e8a1b2c3d4"));
        Assert.That(later.DedupKey, Is.EqualTo(first.DedupKey));
    }

    [Test]
    public void TrustRequired_CaseIsTrustedWithoutMailAuthentication()
    {
        var rules = TestRules.Parse("""
            version: 1
            routes:
              oncall:
                pagerduty:
                  routing_key: ${PD_KEY}
            trust:
              trusted:
                authenticated: { arc_sealed_by: google.com }
              untrusted:
                action: drop
            rules:
              - name: t
                when: { source: { equals: support-case } }
                trust: required
                route: oncall
            """);

        var decision = RuleEvaluator.Evaluate(rules, Case(), explain: true);

        Assert.That(decision.Matches.Single().Trusted, Is.True);
        Assert.That(decision.Trace.Single().Reason, Does.Contain("trusted: a support case read from the AWS Support API"));
    }

    [TestCase("{case_id}", "case-123456789012-muen-2026-7c0ff3e8a1b2c3d4")]
    [TestCase("{display_id}/{severity}/{status}/{language}", "178012345601/urgent/opened/en")]
    [TestCase("{category} {service}", "security aws-identity-and-access-management")]
    [TestCase("{submitted_by} {account_email}", "aws-security-team@amazon.com aws-root-123456789012@example.com")]
    [TestCase("{source}: {case_url}", "support-case: https://console.aws.amazon.com/support/home#/case/?displayId=178012345601&language=en")]
    public void Template_CasePlaceholders(string template, string expected)
    {
        var rules = TestRules.Parse(TestRules.Head + $"""
              - name: t
                summary: "{template}"
                route: oncall

            """);

        Assert.That(TestRules.SingleMatch(rules, Case()).Summary, Is.EqualTo(expected));
    }

    [Test]
    public void Event_ForACase_CarriesTheCaseAndComesFromAwsSupport()
    {
        var facts = Case();
        var match = TestRules.SingleMatch(Shipped, facts);

        var trigger = PagerDutyEventBuilder.Build(facts, match, "v1");
        var resolve = PagerDutyEventBuilder.Build(facts, match, "v1", resolve: true);

        Assert.Multiple(() =>
        {
            Assert.That(trigger.EventAction, Is.EqualTo("trigger"));
            Assert.That(trigger.Payload.Source, Is.EqualTo("aws-support/123456789012"));
            Assert.That(trigger.Payload.Component, Is.EqualTo("support-case"));
            var details = trigger.Payload.CustomDetails!.Section("support_case")!;
            Assert.That(details["case_id"]!.GetValue<string>(), Is.EqualTo("case-123456789012-muen-2026-7c0ff3e8a1b2c3d4"));
            Assert.That(details["severity"]!.GetValue<string>(), Is.EqualTo("urgent"));
            Assert.That(details["console_url"]!.GetValue<string>(), Does.Contain("displayId=178012345601"));
            Assert.That(resolve.EventAction, Is.EqualTo("resolve"));
            Assert.That(resolve.DedupKey, Is.EqualTo(trigger.DedupKey));
        });
    }

    [Test]
    public void Event_ForMail_HasNoCaseDetails()
    {
        var facts = SomeFacts.Message();
        var rules = TestRules.WithWhen("{ subject: { equals: Hello } }");

        var sent = PagerDutyEventBuilder.Build(facts, TestRules.SingleMatch(rules, facts), "v1");

        Assert.That((sent.Payload.Component, sent.Payload.CustomDetails!.Section("support_case")), Is.EqualTo(("email", (System.Text.Json.Nodes.JsonObject?)null)));
    }

    [TestCase("security-case-urgent-by-aws.json", "aws-security-support-case")]
    [TestCase("security-case-japanese-critical.json", "aws-security-support-case")]
    public void ShippedRules_OnCaseFixtures(string fixture, string expectedRule)
    {
        using var stream = File.OpenRead(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "support-cases", fixture));
        var facts = SupportCaseReader.Read("s", Envelope.ForSupportCase(new SupportCaseOrigin("", "", "", "en"), DateTimeOffset.UnixEpoch), stream);

        Assert.That(TestRules.SingleMatch(Shipped, AccountResolver.Resolve(facts, Shipped.Accounts)).Rule, Is.EqualTo(expectedRule));
    }
}
