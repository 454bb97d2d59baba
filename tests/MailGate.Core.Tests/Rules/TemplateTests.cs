using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

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

    [TestCase("{nope}", "unknown placeholder '{nope}' at offset 1")]
    [TestCase("{Subject}", "unknown placeholder '{Subject}' at offset 1")]
    [TestCase("{}", "empty placeholder '{}' at offset 0")]
    [TestCase("a } b", "unmatched '}' at offset 2")]
    [TestCase("a { b", "unclosed '{' at offset 2")]
    public void Parse_MalformedTemplate_IsLoadError(string template, string message)
    {
        var errors = TestRules.Errors(TestRules.Head + $"  - name: tpl\n    route: oncall\n    summary: '{template}'\n");

        Assert.That(errors.Select(e => (e.Line, e.Column, e.Rule, e.Message)), Is.EqualTo(new[] { (9, 14, (string?)"tpl", $"'summary': {message}") }).Using<(int, int, string?, string)>(
            (a, b) => a.Item1 == b.Item1 && a.Item2 == b.Item2 && a.Item3 == b.Item3 && a.Item4.StartsWith(b.Item4, StringComparison.Ordinal)));
    }

    /// <summary>Issue 12 §8: <c>{a|b}</c> is the first of a, b whose value is not empty.</summary>
    [TestCase("{list_id|subject}", "abuse.example.com")]
    [TestCase("{cc|subject}", "c@example.org")]
    [TestCase("{account_id|subject}", "Abuse Report 7")]
    [TestCase("{ account_id | account_name | message_id }", "m1@amazon.com")]
    [TestCase("[{account_id|account_name}]", "[]")]
    [TestCase("{account_id|account}", "unknown account")]
    [TestCase("k-{report|message_key}", "k-7")]
    [TestCase("k-{empty|message_key}", "k-m1@amazon.com")]
    [TestCase("{report|empty}/{empty|report}", "7/7")]
    [TestCase("{message_key}", "m1@amazon.com")]
    [TestCase("{subject}|{sender}", "Abuse Report 7|alice@amazon.com")]
    [TestCase("{{a|b}}", "{a|b}")]
    public void Render_Fallback_TakesTheFirstNonEmpty(string template, string expected)
    {
        var sut = TestRules.Parse(TestRules.Head + $$"""
              - name: tpl
                extract:
                  report: { subject: '(?<v>7)' }
                  empty: { subject: '(?<v>nothing)' }
                summary: 's:{{template}}'
                route: oncall

            """);

        Assert.That(TestRules.SingleMatch(sut, Facts()).Summary, Is.EqualTo("s:" + expected));
    }

    [Test]
    public void Render_DedupKeyFallbackAllEmpty_UsesTheDefaultKey()
    {
        var sut = TestRules.Parse(TestRules.Head + "  - name: tpl\n    dedup_key: '{account_id|account_name}'\n    route: oncall\n");

        Assert.That(TestRules.SingleMatch(sut, Facts()).DedupKey, Does.Match("^mailgate-tpl-[0-9a-f]{32}$"));
    }

    [Test]
    public void Render_MessageKeyWithoutMessageId_IsTheContentHash()
    {
        var sut = TestRules.Parse(TestRules.Head + "  - name: tpl\n    dedup_key: 'k-{message_id|message_key}'\n    route: oncall\n");

        var match = TestRules.SingleMatch(sut, Facts() with { MessageId = "", ContentHash = "c0ffee" });

        Assert.That(match.DedupKey, Is.EqualTo("k-content:c0ffee"));
    }

    [TestCase("{sender||subject}", "empty alternative in placeholder '{sender||subject}' at offset 8")]
    [TestCase("x {subject|}", "empty alternative in placeholder '{subject|}' at offset 11")]
    [TestCase("{|subject}", "empty alternative in placeholder '{|subject}' at offset 1")]
    [TestCase("{ | }", "empty alternative in placeholder '{ | }' at offset 2")]
    [TestCase("ab {  }", "empty placeholder '{  }' at offset 3")]
    [TestCase("{subject|nope}", "unknown placeholder 'nope' in '{subject|nope}' at offset 9 (expected one of: subject,")]
    [TestCase("{nope|subject}", "unknown placeholder 'nope' in '{nope|subject}' at offset 1")]
    [TestCase("abc { nope }", "unknown placeholder '{nope}' at offset 6")]
    [TestCase("{subject|Subject}", "unknown placeholder 'Subject' in '{subject|Subject}' at offset 9")]
    [TestCase("{subject|message_id", "unclosed '{' at offset 0")]
    [TestCase("{subject}|message_id}", "unmatched '}' at offset 20")]
    public void Parse_MalformedFallback_IsLoadErrorWithItsOffset(string template, string message)
    {
        var errors = TestRules.Errors(TestRules.Head + $"  - name: tpl\n    route: oncall\n    summary: '{template}'\n");

        Assert.That(errors.Single().Message, Does.StartWith($"'summary': {message}"));
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
