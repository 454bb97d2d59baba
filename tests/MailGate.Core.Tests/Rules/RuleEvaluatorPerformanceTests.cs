using System.Text;
using MailGate.Core.Tests.Rules.Support;
using MailGate.Parse;
using MailGate.Rules;

namespace MailGate.Core.Tests.Rules;

/// <summary>Large rule sets: allocation-free evaluation and correctness. Timings live in bench/, not here.</summary>
[TestFixture]
public class RuleEvaluatorPerformanceTests
{
    private static RuleSet ThousandRules()
    {
        var yaml = new StringBuilder(TestRules.Head);
        for (var i = 0; i < 1000; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"""
                  - name: rule-{i}
                    when:
                      sender: {"{"} domain: team{i}.example.com {"}"}
                      any:
                        - subject: {"{"} contains: [ "alert {i}", "alarm {i}" ] {"}"}
                        - to: {"{"} ends_with: "@pager{i}.example.com" {"}"}
                        - header: {"{"} name: X-Team, equals: team-{i} {"}"}
                    route: oncall

                """);
            if (i % 10 == 0)
            {
                yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"  - name: regex-{i}\n    when: {{ subject: {{ regex: '^ticket-{i}-[0-9]+$' }} }}\n    route: oncall\n");
            }
        }

        return TestRules.Parse(yaml.ToString());
    }

    private static MessageFacts TypicalMessage() => SomeFacts.Message() with
    {
        Sender = "alerts@team5000.example.com",
        Subject = "[FIRING:1] Disk almost full on db-17",
        To = ["oncall@mailgate.example.com", "ops@example.org"],
        Headers = SomeFacts.Headers(("X-Team", "storage"), ("X-Mailer", "Alertmanager")),
    };

    [Test]
    public void Evaluate_ThousandNonMatchingRules_AllocatesOnlyTheDecision()
    {
        var rules = ThousandRules();
        var facts = TypicalMessage();
        RuleEvaluator.Evaluate(rules, facts);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var decision = RuleEvaluator.Evaluate(rules, facts);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        TestContext.Out.WriteLine($"allocated: {allocated} bytes");

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsDropped, Is.True);
            Assert.That(allocated, Is.LessThan(256), "bytes allocated by one evaluation of 1,100 rules");
        });
    }

    [Test]
    public void Evaluate_MatchNearTheEnd_IsFound()
    {
        var rules = ThousandRules();
        var facts = TypicalMessage() with { Sender = "x@sub.team990.example.com", Subject = "ALARM 990 raised" };

        Assert.That(TestRules.SingleMatch(rules, facts).Rule, Is.EqualTo("rule-990"));
    }
}
