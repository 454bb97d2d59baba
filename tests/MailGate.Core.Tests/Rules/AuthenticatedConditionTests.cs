using MailGate.Core.Tests.Rules.Support;
using MailGate.Parse.Authentication;
using MailGate.Rules;

namespace MailGate.Core.Tests.Rules;

[TestFixture]
public class AuthenticatedConditionTests
{
    private static readonly AuthenticationFacts Google = new()
    {
        Arc = AuthOutcome.Pass,
        ArcSealer = "google.com",
        Dkim = [new DkimResult("google.com", "arc-20240605", AuthOutcome.Pass), new DkimResult("amazon.com", "abuse", AuthOutcome.Fail)],
        Original = new OriginalAuthentication("pass", "amazon.com", ["amazon.com", "amazonses.com"], "pass"),
    };

    private static readonly AuthenticationFacts BrokenChain = Google with { Arc = AuthOutcome.Fail, ArcSealer = "", Original = null };

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("{ arc_sealed_by: google.com }", Google, true);
        yield return new TestCaseData("{ arc_sealed_by: GOOGLE.com }", Google, true);
        yield return new TestCaseData("{ arc_sealed_by: evil.example }", Google, false);
        yield return new TestCaseData("{ arc_sealed_by: google.com }", BrokenChain, false);
        yield return new TestCaseData("{ arc_sealed_by: google.com }", AuthenticationFacts.NotChecked, false);
        yield return new TestCaseData("{ dkim: google.com }", Google, true);
        yield return new TestCaseData("{ dkim: amazon.com }", Google, false);
        yield return new TestCaseData("{ original_dmarc: amazon.com }", Google, true);
        yield return new TestCaseData("{ original_dmarc: [amazonaws.com, amazon.com] }", Google, true);
        yield return new TestCaseData("{ original_dmarc: com }", Google, true);
        yield return new TestCaseData("{ original_dmarc: zon.com }", Google, false);
        yield return new TestCaseData("{ original_dmarc: amazon.com }", BrokenChain, false);
        yield return new TestCaseData("{ original_dmarc: amazon.com }", Google with { Original = Google.Original! with { Dmarc = "fail" } }, false);
        yield return new TestCaseData("{ original_dmarc: amazon.com }", Google with { Original = Google.Original! with { HeaderFrom = "mail.amazon.com" } }, true);
        yield return new TestCaseData("{ original_dkim: amazonses.com }", Google, true);
        yield return new TestCaseData("{ original_dkim: example.com }", Google, false);
        yield return new TestCaseData("{ arc_sealed_by: google.com, original_dmarc: amazon.com }", Google, true);
        yield return new TestCaseData("{ arc_sealed_by: google.com, original_dmarc: amazonaws.com }", Google, false);
    }

    [TestCaseSource(nameof(Cases))]
    public void Matches_Table(string condition, AuthenticationFacts authentication, bool expected) =>
        Assert.That(TestRules.Matches($"{{ authenticated: {condition} }}", SomeFacts.Message() with { Authentication = authentication }), Is.EqualTo(expected));

    [TestCase("{ authenticated: { arc_sealed: google.com } }", "unknown authentication check 'arc_sealed'")]
    [TestCase("{ authenticated: {} }", "'authenticated' is empty")]
    [TestCase("{ authenticated: { dkim: [] } }", "'authenticated.dkim' must not be an empty list")]
    [TestCase("{ authenticated: { dkim: \"\" } }", "'authenticated.dkim' needs domains, not blanks")]
    public void Load_BadAuthenticated_IsAnErrorWithPosition(string when, string message)
    {
        var errors = TestRules.Errors(TestRules.Head + $"  - name: t\n    when: {when}\n    route: oncall\n");
        Assert.That(errors.Single().Message, Does.StartWith(message));
        Assert.That(errors.Single().Line, Is.EqualTo(8));
    }
}
