using MailGate.Core.Parse.Authentication;
using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

[TestFixture]
public class TrustPolicyTests
{
    private static readonly AuthenticationFacts Trusted = new()
    {
        Arc = AuthOutcome.Pass,
        ArcSealer = "google.com",
        Original = new OriginalAuthentication("pass", "amazon.com", [], "pass"),
    };

    private static RuleSet Rules(string untrusted = "", string ruleTrust = "required") => TestRules.Parse($$"""
        version: 1
        routes:
          oncall:
            pagerduty:
              routing_key: ${PD_KEY}
          quiet:
            pagerduty:
              routing_key: ${PD_KEY}
              severity: info
        trust:
          trusted:
            authenticated: { arc_sealed_by: google.com, original_dmarc: amazon.com }
        {{untrusted}}
        rules:
          - name: abuse
            when: { subject: { contains: Abuse } }
            trust: {{ruleTrust}}
            route: oncall
        """);

    private static Decision Evaluate(RuleSet rules, AuthenticationFacts authentication) =>
        RuleEvaluator.Evaluate(rules, SomeFacts.Message() with { Sender = "ec2-abuse@amazon.com", Subject = "Abuse Report", Authentication = authentication });

    [Test]
    public void Trusted_PagesAsTheRuleSays()
    {
        var match = Evaluate(Rules(), Trusted).Matches.Single();
        Assert.That((match.Severity, match.Trusted, match.Summary), Is.EqualTo(("critical", true, "Abuse Report")));
    }

    [Test]
    public void Untrusted_DefaultTreatment_PagesAtWarningMarked()
    {
        var match = Evaluate(Rules(), AuthenticationFacts.NotChecked).Matches.Single();
        Assert.That((match.Route, match.Severity, match.Trusted, match.Summary), Is.EqualTo(("oncall", "warning", false, "[unverified] Abuse Report")));
    }

    [Test]
    public void Untrusted_RouteTreatment_GoesToTheOtherRoute()
    {
        var rules = Rules("  untrusted: { action: route, route: quiet, severity: info, summary_prefix: \"(?) \" }");
        var match = Evaluate(rules, AuthenticationFacts.NotChecked).Matches.Single();
        Assert.That((match.Route, match.Severity, match.Trusted, match.Summary), Is.EqualTo(("quiet", "info", false, "(?) Abuse Report")));
    }

    [Test]
    public void Untrusted_DropTreatment_IsRecordedNotSilent()
    {
        var decision = Evaluate(Rules("  untrusted: { action: drop }"), AuthenticationFacts.NotChecked);
        Assert.That(decision.Matches, Is.Empty);
        Assert.That(decision.DroppedUntrusted, Is.EqualTo(new[] { "abuse" }));
    }

    [TestCase("", 5, 10, 20)]
    [TestCase("  untrusted: { max_per_sender_per_hour: 2, max_per_client_network_per_hour: 3, max_per_hour: 4 }", 2, 3, 4)]
    [TestCase("  untrusted: { max_per_hour: 0 }", 5, 10, 0)]
    public void Load_UntrustedLimits_DefaultsAndValues(string untrusted, int perSender, int perNetwork, int perHour)
    {
        var treatment = Rules(untrusted).Trust!.Untrusted;
        Assert.That((treatment.MaxPerSenderPerHour, treatment.MaxPerClientNetworkPerHour, treatment.MaxPerHour), Is.EqualTo((perSender, perNetwork, perHour)));
    }

    [Test]
    public void OptionalTrust_IgnoresTheTrustPolicy()
    {
        var match = Evaluate(Rules(ruleTrust: "optional"), AuthenticationFacts.NotChecked).Matches.Single();
        Assert.That((match.Severity, match.Trusted), Is.EqualTo(("critical", true)));
    }

    /// <summary>
    /// A second copy of a once-only header above the signed one is covered by no signature, yet it is
    /// what rules and readers see: such a message is never trusted, whatever trust.trusted says.
    /// </summary>
    [TestCase("From", 2, false)]
    [TestCase("from", 2, false)]
    [TestCase("To", 2, false)]
    [TestCase("Cc", 3, false)]
    [TestCase("Subject", 2, false)]
    [TestCase("Date", 2, false)]
    [TestCase("Message-ID", 2, false)]
    [TestCase("Message-Id", 2, false)]
    [TestCase("Subject", 1, true)]
    [TestCase("Reply-To", 2, true)]
    [TestCase("Sender", 2, true)]
    [TestCase("List-Id", 2, true)]
    [TestCase("X-Original-From", 2, true)]
    [TestCase("Received", 5, true)]
    public void Evaluate_RepeatedHeader_TrustedOnlyWhenRelaysMayRepeatIt(string name, int count, bool trusted)
    {
        var facts = SomeFacts.Message() with
        {
            Sender = "ec2-abuse@amazon.com",
            Subject = "Abuse Report",
            Authentication = Trusted,
            Headers = SomeFacts.Headers([.. Enumerable.Range(1, count).Select(i => (name, $"value {i}"))]),
        };

        var decision = RuleEvaluator.Evaluate(Rules(), facts, explain: true);

        Assert.That(decision.Matches.Single().Trusted, Is.EqualTo(trusted));
        if (!trusted)
        {
            Assert.That(decision.Trace.Single().Reason, Does.Contain($"NOT TRUSTED: the message has {count} "));
        }
    }

    [TestCase("trust: { untrusted: { action: drop } }", "trust: missing 'trusted'")]
    [TestCase("trust: { trusted: { subject: { contains: x } }, untrusted: { action: shout } }", "trust.untrusted: unknown action 'shout'")]
    [TestCase("trust: { trusted: { subject: { contains: x } }, untrusted: { action: route } }", "trust.untrusted: 'action: route' needs 'route: <name>'")]
    [TestCase("trust: { trusted: { subject: { contains: x } }, untrusted: { action: route, route: nowhere } }", "trust.untrusted: undefined route 'nowhere'")]
    [TestCase("trust: { trusted: { subject: { contains: x } }, untrusted: { severity: loud } }", "trust.untrusted: ")]
    [TestCase("trust: { trusted: { subject: { contains: x } }, untrusted: { max_per_sender_per_hour: -1 } }", "trust.untrusted: 'max_per_sender_per_hour' must be")]
    [TestCase("trust: { trusted: { subject: { contains: x } }, untrusted: { max_per_client_network_per_hour: many } }", "trust.untrusted: 'max_per_client_network_per_hour' must be")]
    [TestCase("trust: { trusted: { subject: { contains: x } }, untrusted: { max_per_hour: 1.5 } }", "trust.untrusted: 'max_per_hour' must be")]
    [TestCase("trust: { trusted: { subject: { contains: x } }, colour: red }", "trust: unknown key 'colour'")]
    public void Load_BadTrustSection_IsAnError(string section, string message)
    {
        var errors = TestRules.Errors(TestRules.Head.Replace("rules:\n", section + "\nrules:\n", StringComparison.Ordinal) + "  - name: t\n    route: oncall\n");
        Assert.That(errors.Select(e => e.Message), Has.Some.StartsWith(message));
    }

    [Test]
    public void Load_TrustRequiredWithoutTrustSection_IsAnError()
    {
        var errors = TestRules.Errors(TestRules.Head + "  - name: t\n    trust: required\n    route: oncall\n");
        Assert.That(errors.Single().ToString(), Is.EqualTo("rules.yaml:8:12: rule 't': 'trust: required' needs a top-level 'trust:' section saying what a trusted message is"));
    }
}
