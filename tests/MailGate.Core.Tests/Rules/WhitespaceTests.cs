using MailGate.Core.Rules;
using System.Globalization;
using System.Text;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

/// <summary>
/// Issue 12 §2: a TAB-folded (or NBSP-, doubled-, zero-width-) subject is the same subject. Every text
/// operator compares whitespace-normalised text on both sides: the message's value and the rule's.
/// </summary>
[TestFixture]
public class WhitespaceTests
{
    /// <summary>What may stand between two words, on either side.</summary>
    private static readonly string[] Gaps =
    [
        " ", "  ", "\t", "\r\n\t", "\r\n ", " \t ", "\u00A0", "\u1680", "\u2002", "\u2003", "\u2009", "\u200A",
        "\u2028", "\u2029", "\u202F", "\u205F", "\u3000", "\u0085", "\u000B", "\u000C", " \u200B ", "\u00A0\u200D ",
    ];

    public static IEnumerable<TestCaseData> FieldSide()
    {
        foreach (var gap in Gaps)
        {
            var subject = $"Your AWS Abuse{gap}Report [12345678]{gap}[AWS ID 123456789012]";
            yield return Case("contains: 'Abuse Report'", subject, true, gap);
            yield return Case("equals: 'Your AWS Abuse Report [12345678] [AWS ID 123456789012]'", gap + subject + gap, true, gap);
            yield return Case("starts_with: 'Your AWS Abuse Report'", gap + subject, true, gap);
            yield return Case("ends_with: '[12345678] [AWS ID 123456789012]'", subject + gap, true, gap);
            yield return Case("regex: 'Abuse Report \\[\\d+\\] \\[AWS ID \\d{12}\\]'", subject, true, gap);
            yield return Case("regex: 'Abuse\\s+Report'", subject, true, gap);
            yield return Case("regex: '^Your AWS Abuse Report'", gap + subject, true, gap);
            yield return Case("regex: 'Abuse\\tReport'", subject, false, gap);
            yield return Case("contains: 'Abuse Report'", $"Your AWS Abuse-{gap}Reporting", false, gap);
        }
    }

    [TestCaseSource(nameof(FieldSide))]
    public void Evaluate_WhitespaceInTheMessage_CountsAsOneSpace(string op, string subject, bool expected)
    {
        Assert.That(TestRules.Matches($"{{ subject: {{ {op} }} }}", SomeFacts.With("subject", subject)), Is.EqualTo(expected));
    }

    public static IEnumerable<TestCaseData> RuleSide()
    {
        foreach (var gap in Gaps)
        {
            var operand = Yaml($"Abuse{gap}Report");
            yield return Case($"contains: {operand}", "Your AWS Abuse Report", true, gap);
            yield return Case($"contains: {operand}", "Your AWS Abuse\tReport", true, gap);
            yield return Case($"equals: {Yaml($"{gap}Your AWS{gap}Abuse Report{gap}")}", "Your AWS Abuse Report", true, gap);
            yield return Case($"starts_with: {Yaml($"{gap}Your{gap}AWS")}", "Your\u00A0AWS Abuse Report", true, gap);
            yield return Case($"ends_with: {Yaml($"Abuse{gap}Report{gap}")}", "Your AWS Abuse\r\n Report", true, gap);
            yield return Case($"contains: {operand}", "Your AWS AbuseReport", false, gap);
        }
    }

    [TestCaseSource(nameof(RuleSide))]
    public void Evaluate_WhitespaceInTheRule_CountsAsOneSpace(string op, string subject, bool expected)
    {
        Assert.That(TestRules.Matches($"{{ subject: {{ {op} }} }}", SomeFacts.With("subject", subject)), Is.EqualTo(expected));
    }

    /// <summary>
    /// A regex reads the body with its line breaks (each line's white space normalised), as version 1
    /// read it; the text operators read it as one line.
    /// </summary>
    [TestCase("regex: '(?m)^Status: ALARM$'", true)]
    [TestCase("regex: '(?m)^Region: us-east-1$'", true)]
    [TestCase("regex: 'Region: us-east-1$'", false)]
    [TestCase("regex: 'ALARM\\nAccount'", true)]
    [TestCase("regex: 'ALARM\\s+Account'", true)]
    [TestCase("regex: 'ALARM Account'", false)]
    [TestCase("regex: '\\A\\s'", false)]
    [TestCase("regex: '\\n\\n\\nRegion'", true)]
    [TestCase("regex: '\\r'", false)]
    [TestCase("contains: 'ALARM Account: 123456789012 Region'", true)]
    [TestCase("contains: 'Status: ALARM'", true)]
    public void Evaluate_Body_RegexSeesLinesTextOperatorsSeeOneLine(string op, bool expected)
    {
        var facts = SomeFacts.With("body", "\r\n  Alarm:\t cpu \r\nStatus:\u00A0 ALARM\u2028Account: 123456789012\r\n\r\n \t\r\nRegion: us-east-1\rThanks \r\n\r\n");

        Assert.That(TestRules.Matches($"{{ body: {{ {op} }} }}", facts), Is.EqualTo(expected));
    }

    [TestCase("to", "  ops@example.org\t")]
    [TestCase("recipient", "\u00A0ops@example.org")]
    [TestCase("sender", "ops@example.org\r\n")]
    public void Evaluate_AddressWithWhitespaceAround_EqualsAndIsInDomain(string field, string value)
    {
        var facts = SomeFacts.With(field, value);

        Assert.Multiple(() =>
        {
            Assert.That(TestRules.Matches($"{{ {field}: {{ equals: ops@example.org }} }}", facts), Is.True);
            Assert.That(TestRules.Matches($"{{ {field}: {{ domain: example.org }} }}", facts), Is.True);
        });
    }

    [Test]
    public void Evaluate_HeaderValueFoldedWithTab_MatchesOneSpace()
    {
        var facts = SomeFacts.Message() with { Headers = SomeFacts.Headers(("X-Alert", "disk\tfull"), ("X-Alert", "cpu  high")) };

        Assert.Multiple(() =>
        {
            Assert.That(TestRules.Matches("{ header: { name: X-Alert, equals: 'disk full' } }", facts), Is.True);
            Assert.That(TestRules.Matches("{ header: { name: x-alert, equals: 'cpu high' } }", facts), Is.True);
        });
    }

    [Test]
    public void Explain_FoldedSubject_ShowsTheNormalisedValue()
    {
        var rules = TestRules.WithWhen("{ subject: { contains: 'Abuse Notice' } }");

        var trace = RuleEvaluator.Evaluate(rules, SomeFacts.With("subject", "Your AWS Abuse\r\n\tReport"), explain: true).Trace[0];

        Assert.That(trace.Reason, Is.EqualTo("subject does not contain 'Abuse Notice' (was 'Your AWS Abuse Report')"));
    }

    [Test]
    public void ExtractAndSummary_FoldedSubject_SeeTheNormalisedText()
    {
        var rules = TestRules.Parse(TestRules.Head + """
              - name: t
                extract:
                  report: { subject: 'Abuse Report \[(?<v>\d+)\]' }
                summary: "{report}: {subject}"
                dedup_key: "k-{subject}"
                route: oncall

            """);

        var match = TestRules.SingleMatch(rules, SomeFacts.With("subject", "Your AWS Abuse\r\n\tReport [12345678]\t[AWS ID 123456789012]"));

        Assert.Multiple(() =>
        {
            Assert.That(match.Summary, Is.EqualTo("12345678: Your AWS Abuse Report [12345678] [AWS ID 123456789012]"));
            Assert.That(match.DedupKey, Is.EqualTo("k-Your AWS Abuse Report [12345678] [AWS ID 123456789012]"), "a refolded subject keeps its key");
        });
    }

    [Test]
    public void Evaluate_DefaultSummary_IsTheNormalisedSubject()
    {
        var rules = TestRules.WithWhen("{ subject: { contains: 'Abuse' } }");

        var match = TestRules.SingleMatch(rules, SomeFacts.With("subject", " Your AWS Abuse\tReport "));

        Assert.That(match.Summary, Is.EqualTo("Your AWS Abuse Report"));
    }

    private static TestCaseData Case(string op, string subject, bool expected, string gap) =>
        new TestCaseData(op, subject, expected).SetArgDisplayNames(op, Escaped(subject), Escaped(gap), expected ? "match" : "no match");

    /// <summary>A YAML double-quoted scalar for <paramref name="text"/>, non-ASCII and controls escaped.</summary>
    private static string Yaml(string text)
    {
        var yaml = new StringBuilder("\"");
        foreach (var c in text)
        {
            yaml.Append(c is < ' ' or > '~' or '"' or '\\' ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}") : c.ToString());
        }

        return yaml.Append('"').ToString();
    }

    private static string Escaped(string text) =>
        string.Concat(text.Select(c => c is < ' ' or > '~' ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}") : c.ToString()));
}
