using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

[TestFixture]
public class RuleEvaluatorTests
{
    private const string Routes = """
        version: 1
        routes:
          oncall:
            pagerduty:
              routing_key: ${PD_KEY}
          low:
            pagerduty:
              routing_key: ${PD_KEY}
              severity: warning
        rules:

        """;

    private static RuleSet CreateSut(string rules) => TestRules.Parse(Routes + rules);

    [Test]
    public void Evaluate_FirstMatchingRule_Decides()
    {
        var sut = CreateSut("""
              - name: first
                when: { subject: { contains: disk } }
                route: low
              - name: second
                when: { subject: { contains: full } }
                route: oncall
            """);

        var decision = RuleEvaluator.Evaluate(sut, SomeFacts.With("subject", "disk full"));

        Assert.Multiple(() =>
        {
            Assert.That(decision.Matches.Select(m => (m.Rule, m.Route, m.Severity)), Is.EqualTo(new[] { ("first", "low", "warning") }));
            Assert.That(decision.DroppedBy, Is.Null);
            Assert.That(decision.IsDropped, Is.False);
            Assert.That(decision.Trace, Is.Empty);
        });
    }

    [Test]
    public void Evaluate_Continue_CollectsLaterMatchesToo()
    {
        var sut = CreateSut("""
              - name: audit
                route: low
                continue: true
              - name: skipped
                when: { subject: { contains: nope } }
                route: oncall
              - name: page
                route: oncall
              - name: never
                route: low
            """);

        var decision = RuleEvaluator.Evaluate(sut, SomeFacts.Message());

        Assert.That(decision.Matches.Select(m => m.Rule), Is.EqualTo(new[] { "audit", "page" }));
    }

    [Test]
    public void Evaluate_DropAfterContinue_KeepsEarlierMatchesAndNamesDropRule()
    {
        var sut = CreateSut("""
              - name: audit
                route: low
                continue: true
              - name: quiet
                when: { sender: { domain: example.org } }
                action: drop
              - name: page
                route: oncall
            """);

        var decision = RuleEvaluator.Evaluate(sut, SomeFacts.Message());

        Assert.Multiple(() =>
        {
            Assert.That(decision.Matches.Select(m => m.Rule), Is.EqualTo(new[] { "audit" }));
            Assert.That(decision.DroppedBy, Is.EqualTo("quiet"));
            Assert.That(decision.IsDropped, Is.False);
        });
    }

    [Test]
    public void Evaluate_DropRuleFirst_DropsAndStops()
    {
        var sut = CreateSut("""
              - name: quiet
                when: { subject: { starts_with: 'Out of office' } }
                action: drop
              - name: page
                route: oncall
            """);

        var decision = RuleEvaluator.Evaluate(sut, SomeFacts.With("subject", "Out of office: back Monday"));

        Assert.Multiple(() =>
        {
            Assert.That(decision.Matches, Is.Empty);
            Assert.That(decision.DroppedBy, Is.EqualTo("quiet"));
            Assert.That(decision.IsDropped, Is.True);
        });
    }

    [Test]
    public void Evaluate_NoRuleMatches_IsDroppedWithoutDropRule()
    {
        var sut = CreateSut("""
              - name: page
                when: { subject: { contains: alarm } }
                route: oncall
            """);

        var decision = RuleEvaluator.Evaluate(sut, SomeFacts.Message());

        Assert.Multiple(() =>
        {
            Assert.That(decision.Matches, Is.Empty);
            Assert.That(decision.DroppedBy, Is.Null);
            Assert.That(decision.IsDropped, Is.True);
        });
    }

    [TestCase("", "oncall", "critical")]
    [TestCase("    severity: info\n", "oncall", "info")]
    [TestCase("    severity: Error\n", "low", "error")]
    [TestCase("", "low", "warning")]
    public void Evaluate_Severity_RuleOverridesRoute(string severityLine, string route, string expected)
    {
        var sut = CreateSut($"  - name: page\n    route: {route}\n{severityLine}");

        Assert.That(TestRules.SingleMatch(sut, SomeFacts.Message()).Severity, Is.EqualTo(expected));
    }

    [Test]
    public void Evaluate_ActionRouteWithRoute_IsAccepted()
    {
        var sut = CreateSut("  - name: page\n    action: route\n    route: low\n");

        Assert.That(TestRules.SingleMatch(sut, SomeFacts.Message()).Route, Is.EqualTo("low"));
    }

    [Test]
    public void Evaluate_DefaultSummary_IsSubjectOrPlaceholder()
    {
        var sut = CreateSut("  - name: page\n    route: oncall\n");

        Assert.Multiple(() =>
        {
            Assert.That(TestRules.SingleMatch(sut, SomeFacts.With("subject", "Disk full")).Summary, Is.EqualTo("Disk full"));
            Assert.That(TestRules.SingleMatch(sut, SomeFacts.With("subject", "")).Summary, Is.EqualTo("(no subject)"));
            Assert.That(TestRules.SingleMatch(sut, SomeFacts.With("subject", "  ")).Summary, Is.EqualTo("(no subject)"));
        });
    }

    [Test]
    public void Evaluate_LongSubject_IsNotTruncated()
    {
        var sut = CreateSut("  - name: page\n    route: oncall\n");
        var subject = new string('s', 5000);

        Assert.That(TestRules.SingleMatch(sut, SomeFacts.With("subject", subject)).Summary, Is.EqualTo(subject));
    }

    [Test]
    public void Evaluate_RuleSet_ExposesModel()
    {
        var sut = CreateSut("""
              - name: page
                when: { subject: { contains: x } }
                route: low
                continue: true
              - name: quiet
                action: drop
            """);

        Assert.Multiple(() =>
        {
            Assert.That(sut.Source, Is.EqualTo("rules.yaml"));
            Assert.That(sut.Version, Does.Match("^[0-9a-f]{12}$"));
            Assert.That(sut.Routes.Keys, Is.EquivalentTo(new[] { "oncall", "low" }));
            Assert.That(sut.Rules.Select(r => (r.Name, r.Line, r.RouteName, r.Drop, r.Continue, r.When is null)), Is.EqualTo(new[]
            {
                ("page", 11, (string?)"low", false, true, false),
                ("quiet", 15, null, true, false, true),
            }));
        });
    }

    [Test]
    public void Version_DependsOnFileText()
    {
        var a = CreateSut("  - name: page\n    route: oncall\n");
        var b = CreateSut("  - name: page\n    route: oncall\n");
        var c = CreateSut("  - name: page\n    route: low\n");

        Assert.Multiple(() =>
        {
            Assert.That(a.Version, Is.EqualTo(b.Version));
            Assert.That(a.Version, Is.Not.EqualTo(c.Version));
        });
    }
}
