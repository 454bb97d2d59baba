using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

[TestFixture]
public class ExplainTests
{
    private static RuleSet CreateSut() => TestRules.Parse(TestRules.Head + """
          - name: aws-abuse-report
            when:
              sender: { ends_with: "@amazon.com" }
              subject: { contains: "Abuse Report" }
            route: oncall
          - name: quiet
            when: { any: [ { subject: { starts_with: "Out of office" } }, { not: { to: { domain: example.org } } } ] }
            action: drop
          - name: fallback
            route: oncall
        """);

    private static MessageFacts Facts(string sender, string subject, params string[] to) =>
        SomeFacts.Message() with { Sender = sender, Subject = subject, To = to };

    [Test]
    public void Explain_FirstRuleMatches_TracesReasonsAndNotReached()
    {
        var decision = RuleEvaluator.Evaluate(CreateSut(), Facts("abuse@amazon.com", "Abuse Report 1", "x@example.org"), explain: true);

        Assert.That(decision.Trace, Is.EqualTo(new[]
        {
            new RuleTrace("aws-abuse-report", true, "matched: sender ends with '@amazon.com'; subject contains 'Abuse Report'"),
            new RuleTrace("quiet", false, "not reached: decided by 'aws-abuse-report'"),
            new RuleTrace("fallback", false, "not reached: decided by 'aws-abuse-report'"),
        }));
    }

    [Test]
    public void Explain_FailedCondition_SaysWhichAndWhatTheValueWas()
    {
        var decision = RuleEvaluator.Evaluate(CreateSut(), Facts("billing@amazon.com", "Your invoice", "x@example.org"), explain: true);

        Assert.That(decision.Trace, Is.EqualTo(new[]
        {
            new RuleTrace("aws-abuse-report", false, "subject does not contain 'Abuse Report' (was 'Your invoice')"),
            new RuleTrace("quiet", false, "none of any held (subject does not start with 'Out of office' (was 'Your invoice') | excluded by not (to 'x@example.org' is in domain 'example.org'))"),
            new RuleTrace("fallback", true, "matched: no conditions"),
        }));
    }

    [Test]
    public void Explain_DropRule_TracesMatchAndNotReached()
    {
        var decision = RuleEvaluator.Evaluate(CreateSut(), Facts("a@b.example", "Hi", "x@other.example", "y@other.example"), explain: true);

        Assert.Multiple(() =>
        {
            Assert.That(decision.DroppedBy, Is.EqualTo("quiet"));
            Assert.That(decision.Trace.Select(t => (t.Rule, t.Matched)), Is.EqualTo(new[] { ("aws-abuse-report", false), ("quiet", true), ("fallback", false) }));
            Assert.That(decision.Trace[1].Reason, Is.EqualTo("matched: not (to is not in domain 'example.org' (was 'x@other.example', 'y@other.example'))"));
            Assert.That(decision.Trace[2].Reason, Is.EqualTo("not reached: decided by 'quiet'"));
        });
    }

    [Test]
    public void Explain_LongValue_IsShortenedInReason()
    {
        var decision = RuleEvaluator.Evaluate(CreateSut(), Facts("a@amazon.com", new string('x', 500), "x@example.org"), explain: true);

        Assert.That(decision.Trace[0].Reason, Does.EndWith("(was '" + new string('x', 80) + "…')"));
    }

    [TestCase("abuse@amazon.com", "Abuse Report 1", "x@example.org")]
    [TestCase("billing@amazon.com", "Invoice", "x@example.org")]
    [TestCase("a@b.example", "Out of office", "x@example.org")]
    [TestCase("a@b.example", "Hi", "x@other.example")]
    public void Explain_SameDecisionAsWithout(string sender, string subject, string to)
    {
        var sut = CreateSut();
        var facts = Facts(sender, subject, to);

        var plain = RuleEvaluator.Evaluate(sut, facts);
        var explained = RuleEvaluator.Evaluate(sut, facts, explain: true);

        Assert.Multiple(() =>
        {
            Assert.That(explained.Matches, Is.EqualTo(plain.Matches).Using<RuleMatch>((a, b) => a.Rule == b.Rule && a.DedupKey == b.DedupKey));
            Assert.That(explained.DroppedBy, Is.EqualTo(plain.DroppedBy));
            Assert.That(explained.Trace, Has.Count.EqualTo(sut.Rules.Count));
            Assert.That(plain.Trace, Is.Empty);
        });
    }

    [Test]
    public void Explain_SeveralOperatorsOnMultiValuedField_ListsThem()
    {
        var sut = TestRules.Parse(TestRules.Head + "  - name: t\n    when: { cc: { starts_with: ops, domain: example.com } }\n    route: oncall\n");

        var decision = RuleEvaluator.Evaluate(sut, SomeFacts.Message(), explain: true);

        Assert.That(decision.Trace[0].Reason, Is.EqualTo("no cc value starts with 'ops' and is in domain 'example.com' (was none)"));
    }
}
