using MailGate.Core.Parse;
using MailGate.Core.Rules;
using System.Text;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

/// <summary>Large rule sets: allocation-free evaluation and correctness. Timings live in bench/, not here.</summary>
[TestFixture]
public class RuleEvaluatorPerformanceTests
{
    private static RuleSet ThousandRules() => Rules(1000);

    /// <summary><paramref name="count"/> rules of four fields each, and a regex rule every tenth.</summary>
    private static RuleSet Rules(int count)
    {
        var yaml = new StringBuilder(TestRules.Head);
        for (var i = 0; i < count; i++)
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

    /// <summary>
    /// One evaluation allocates the decision and one whitespace-normalised view of the message (a slot
    /// per field read, values copied only when they change): the same bytes for 110 rules as for 1,100.
    /// </summary>
    [Test]
    public void Evaluate_ThousandNonMatchingRules_AllocatesTheSameAsAHundred()
    {
        var facts = TypicalMessage() with { Subject = "[FIRING:1]\tDisk almost  full on db-17 " };
        var thousand = Allocated(Rules(1000), facts, out var decision);
        var hundred = Allocated(Rules(100), facts, out _);
        TestContext.Out.WriteLine($"allocated: {thousand} bytes for 1,100 rules, {hundred} for 110");

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsDropped, Is.True);
            Assert.That(thousand, Is.EqualTo(hundred), "allocation must not grow with the number of rules");
            Assert.That(thousand, Is.LessThan(1024), "bytes allocated by one evaluation of 1,100 rules");
        });
    }

    private static long Allocated(RuleSet rules, MessageFacts facts, out Decision decision)
    {
        RuleEvaluator.Evaluate(rules, facts);
        var before = GC.GetAllocatedBytesForCurrentThread();
        decision = RuleEvaluator.Evaluate(rules, facts);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Test]
    public void Evaluate_MatchNearTheEnd_IsFound()
    {
        var rules = ThousandRules();
        var facts = TypicalMessage() with { Sender = "x@sub.team990.example.com", Subject = "ALARM 990 raised" };

        Assert.That(TestRules.SingleMatch(rules, facts).Rule, Is.EqualTo("rule-990"));
    }
}
