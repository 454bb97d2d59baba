using MailGate.Core.Tests.Rules.Support;
using MailGate.Parse;
using MailGate.Rules;

namespace MailGate.Core.Tests.Rules;

[TestFixture]
public class TemplateTests
{
    private static MessageFacts Facts() => SomeFacts.Message() with
    {
        SpoolId = "sp-9",
        Sender = "alice@amazon.com",
        From = "group@googlegroups.example",
        EnvelopeFrom = "bounce@amazon.com",
        Recipients = ["aws-abuse@mailgate.example.com", "other@mailgate.example.com"],
        To = ["a@example.org", "b@example.org"],
        Cc = ["c@example.org"],
        Subject = "Abuse Report 7",
        ListId = "abuse.example.com",
        MessageId = "m1@amazon.com",
    };

    private static string Render(string template)
    {
        var sut = TestRules.Parse(TestRules.Head + $"  - name: tpl\n    summary: '{template}'\n    route: oncall\n");
        return TestRules.SingleMatch(sut, Facts()).Summary;
    }

    [TestCase("plain text", "plain text")]
    [TestCase("{subject}", "Abuse Report 7")]
    [TestCase("{ subject }", "Abuse Report 7")]
    [TestCase("{sender}|{from}|{envelope_from}", "alice@amazon.com|group@googlegroups.example|bounce@amazon.com")]
    [TestCase("{recipient}", "aws-abuse@mailgate.example.com")]
    [TestCase("{to};{cc}", "a@example.org,b@example.org;c@example.org")]
    [TestCase("{list_id} {message_id} {spool_id} {rule}", "abuse.example.com m1@amazon.com sp-9 tpl")]
    [TestCase("{{subject}}", "{subject}")]
    [TestCase("{{{subject}}}", "{Abuse Report 7}")]
    [TestCase("a }} b {{", "a } b {")]
    public void Render_Template_SubstitutesPlaceholdersAndEscapes(string template, string expected)
    {
        Assert.That(Render(template), Is.EqualTo(expected));
    }

    [TestCase("{nope}", "unknown placeholder '{nope}'")]
    [TestCase("{Subject}", "unknown placeholder '{Subject}'")]
    [TestCase("{}", "unknown placeholder '{}'")]
    [TestCase("a } b", "unmatched '}' at offset 2")]
    [TestCase("a { b", "unclosed '{' at offset 2")]
    public void Parse_MalformedTemplate_IsLoadError(string template, string message)
    {
        var errors = TestRules.Errors(TestRules.Head + $"  - name: tpl\n    route: oncall\n    summary: '{template}'\n");

        Assert.That(errors.Select(e => (e.Line, e.Column, e.Rule, e.Message)), Is.EqualTo(new[] { (9, 14, (string?)"tpl", $"'summary': {message}") }).Using<(int, int, string?, string)>(
            (a, b) => a.Item1 == b.Item1 && a.Item2 == b.Item2 && a.Item3 == b.Item3 && a.Item4.StartsWith(b.Item4, StringComparison.Ordinal)));
    }

    [Test]
    public void Render_NoRecipients_GivesEmpty()
    {
        var sut = TestRules.Parse(TestRules.Head + "  - name: tpl\n    summary: '[{recipient}][{to}]'\n    route: oncall\n");
        var facts = Facts() with { Recipients = [], To = [] };

        Assert.That(TestRules.SingleMatch(sut, facts).Summary, Is.EqualTo("[][]"));
    }

    [Test]
    public void Render_TemplateRendersBlank_FallsBackToSubject()
    {
        var sut = TestRules.Parse(TestRules.Head + "  - name: tpl\n    summary: '{list_id}'\n    route: oncall\n");
        var facts = Facts() with { ListId = "" };

        Assert.That(TestRules.SingleMatch(sut, facts).Summary, Is.EqualTo("Abuse Report 7"));
    }
}
