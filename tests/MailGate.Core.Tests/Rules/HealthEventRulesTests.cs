using MailGate.Core.Deliver;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

/// <summary>AWS Health events through the rules engine: their fields, the shipped rule, dedup keys, trust and events.</summary>
[TestFixture]
public class HealthEventRulesTests
{
    private static readonly RuleSet Shipped = RulesLoader.Load(
        Path.Combine(TestContext.CurrentContext.WorkDirectory, "Fixtures", "shipped-rules.yaml"),
        new RulesLoadOptions { Environment = _ => "R0123456789abcdef0123456789abcde" });

    private static MessageFacts Event(Func<HealthEvent, HealthEvent>? change = null)
    {
        var healthEvent = new HealthEvent
        {
            EventArn = "arn:aws:health:global::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/AWS_RISK_CREDENTIALS_EXPOSED_a1b2c3d4e5f6",
            EventTypeCode = "AWS_RISK_CREDENTIALS_EXPOSED",
            Service = "RISK",
            Category = "issue",
            Region = "global",
            Status = "open",
            StartTimeText = "2026-11-30T08:15:00Z",
            LastUpdatedTimeText = "2026-11-30T08:17:03.512Z",
            Description = "The access key AKIAIOSFODNN7EXAMPLE is publicly available.",
            AccountId = "111122223333",
            AccountName = "prod-payments",
        };
        healthEvent = change?.Invoke(healthEvent) ?? healthEvent;
        return HealthEventReader.ToFacts(healthEvent, "s1", MailGate.Core.Messages.Envelope.ForHealthEvent(new(MailGate.Core.Messages.HealthEventOrigin.Polled), DateTimeOffset.UnixEpoch));
    }

    [TestCase("source", "health-event")]
    [TestCase("event_arn", "arn:aws:health:global::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/AWS_RISK_CREDENTIALS_EXPOSED_a1b2c3d4e5f6")]
    [TestCase("event_type_code", "AWS_RISK_CREDENTIALS_EXPOSED")]
    [TestCase("service", "RISK")]
    [TestCase("category", "issue")]
    [TestCase("region", "global")]
    [TestCase("status", "open")]
    [TestCase("start_time", "2026-11-30T08:15:00Z")]
    [TestCase("last_updated_time", "2026-11-30T08:17:03.512Z")]
    [TestCase("description", "The access key AKIAIOSFODNN7EXAMPLE is publicly available.")]
    [TestCase("body", "The access key AKIAIOSFODNN7EXAMPLE is publicly available.")]
    [TestCase("subject", "AWS Risk: credentials exposed")]
    [TestCase("account_id", "111122223333")]
    [TestCase("account_name", "prod-payments")]
    public void Field_OfAnEvent_MatchesItsValue(string field, string value)
    {
        Assert.That(TestRules.Matches($"{{ {field}: {{ equals: \"{value}\" }} }}", Event()), Is.True);
        Assert.That(TestRules.Matches($"{{ {field}: {{ equals: \"other\" }} }}", Event()), Is.False);
    }

    [TestCase("event_arn")]
    [TestCase("event_type_code")]
    [TestCase("region")]
    [TestCase("description")]
    public void EventField_OfMail_IsEmpty(string field) =>
        Assert.That(TestRules.Matches($"{{ {field}: {{ regex: \"^$\" }} }}", SomeFacts.Message()), Is.True);

    [TestCase("AWS_RISK_CREDENTIALS_EXPOSED", "RISK", true)]
    [TestCase("AWS_RISK_CREDENTIALS_COMPROMISED", "RISK", true)]
    [TestCase("AWS_RISK_ACCOUNT_CONSOLE_COMPROMISE", "RISK", true)]
    [TestCase("AWS_RISK_IAM_QUARANTINE", "RISK", true)]
    [TestCase("AWS_ABUSE_DOS_REPORT", "ABUSE", true)]
    [TestCase("AWS_ABUSE_EC2_PHISHING_REPORT", "ABUSE", true)]
    [TestCase("AWS_EC2_OPERATIONAL_ISSUE", "EC2", false)]
    [TestCase("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", "EC2", false)]
    [TestCase("AWS_IAM_OPERATIONAL_NOTIFICATION", "IAM", false)]
    public void ShippedRule_PagesAbuseAndRisk_AtCritical(string code, string service, bool pages)
    {
        var decision = RuleEvaluator.Evaluate(Shipped, Event(e => e with { EventTypeCode = code, Service = service }));

        if (pages)
        {
            var match = decision.Matches.Single();
            Assert.That(match.Rule, Is.EqualTo("aws-health-security-event"));
            Assert.That((match.Severity, match.Trusted), Is.EqualTo(("critical", true)));
            Assert.That(match.Summary, Is.EqualTo($"AWS Health {code} in account prod-payments (111122223333): {HealthEvent.Readable(code, service)}"));
        }
        else
        {
            Assert.That(decision.DroppedBy, Is.EqualTo("everything-else"));
        }
    }

    [Test]
    public void DefaultDedupKey_OnePerEventAndAccount_WhateverElseChanges()
    {
        var first = TestRules.SingleMatch(Shipped, Event());
        var later = TestRules.SingleMatch(Shipped, Event(e => e with { Status = "closed", LastUpdatedTimeText = "2026-12-01T00:00:00Z", Description = "updated" }) with { SpoolId = "s2" });
        var other = TestRules.SingleMatch(Shipped, Event(e => e with { AccountId = "444455556666" }));

        Assert.That(later.DedupKey, Is.EqualTo(first.DedupKey));
        Assert.That(other.DedupKey, Is.Not.EqualTo(first.DedupKey));
        Assert.That(first.DedupKey, Does.StartWith("mailgate-aws-health-security-event-"));
        Assert.That(DedupKeys.Ledger("r", Event(), unverified: false), Is.EqualTo(DedupKeys.Ledger("r", Event(e => e with { Status = "closed" }), unverified: false)));
    }

    [Test]
    public void TrustRequired_EventIsTrustedWithoutMailAuthentication()
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
                when: { source: { equals: health-event } }
                trust: required
                route: oncall
            """);

        var decision = RuleEvaluator.Evaluate(rules, Event(), explain: true);

        Assert.That(decision.Matches.Single().Trusted, Is.True);
        Assert.That(decision.Trace.Single().Reason, Does.Contain("trusted: an AWS Health event"));
    }

    [Test]
    public void Event_ForAHealthEvent_ComesFromAwsHealthAndCarriesItsFields()
    {
        var facts = Event();
        var match = TestRules.SingleMatch(Shipped, facts);

        var trigger = PagerDutyEventBuilder.Build(facts, match, "v1");
        var resolve = PagerDutyEventBuilder.Build(facts, match, "v1", resolve: true);

        Assert.Multiple(() =>
        {
            Assert.That(trigger.Payload.Source, Is.EqualTo("aws-health/111122223333"));
            Assert.That(trigger.Payload.Component, Is.EqualTo("health-event"));
            var details = trigger.Payload.CustomDetails!.Section("health_event")!;
            Assert.That(details["event_type_code"]!.GetValue<string>(), Is.EqualTo("AWS_RISK_CREDENTIALS_EXPOSED"));
            Assert.That(details["region"]!.GetValue<string>(), Is.EqualTo("global"));
            Assert.That(resolve.EventAction, Is.EqualTo("resolve"));
            Assert.That(resolve.DedupKey, Is.EqualTo(trigger.DedupKey));
        });
    }
}
