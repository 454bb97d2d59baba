using MailGate.Core.Parse.Authentication;
using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

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

    private const string Author = "ec2-abuse@amazon.com";

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("{ arc_sealed_by: google.com }", Google, Author, true);
        yield return new TestCaseData("{ arc_sealed_by: GOOGLE.com }", Google, Author, true);
        yield return new TestCaseData("{ arc_sealed_by: evil.example }", Google, Author, false);
        yield return new TestCaseData("{ arc_sealed_by: google.com }", BrokenChain, Author, false);
        yield return new TestCaseData("{ arc_sealed_by: google.com }", AuthenticationFacts.NotChecked, Author, false);
        yield return new TestCaseData("{ dkim: google.com }", Google, Author, true);
        yield return new TestCaseData("{ dkim: amazon.com }", Google, Author, false);
        yield return new TestCaseData("{ original_dmarc: amazon.com }", Google, Author, true);
        yield return new TestCaseData("{ original_dmarc: [amazonaws.com, amazon.com] }", Google, Author, true);
        yield return new TestCaseData("{ original_dmarc: com }", Google, Author, true);
        yield return new TestCaseData("{ original_dmarc: zon.com }", Google, Author, false);
        yield return new TestCaseData("{ original_dmarc: amazon.com }", BrokenChain, Author, false);
        yield return new TestCaseData("{ original_dmarc: amazon.com }", Google with { Original = Google.Original! with { Dmarc = "fail" } }, Author, false);
        yield return new TestCaseData("{ original_dmarc: amazon.com }", Google with { Original = Google.Original! with { HeaderFrom = "mail.amazon.com" } }, "alerts@mail.amazon.com", true);
        yield return new TestCaseData("{ original_dkim: amazonses.com }", Google, "bounce@amazonses.com", true);
        yield return new TestCaseData("{ original_dkim: amazon.com }", Google, Author, true);
        yield return new TestCaseData("{ original_dkim: example.com }", Google, Author, false);
        yield return new TestCaseData("{ arc_sealed_by: google.com, original_dmarc: amazon.com }", Google, Author, true);
        yield return new TestCaseData("{ arc_sealed_by: google.com, original_dmarc: amazonaws.com }", Google, Author, false);

        // Google's verdict is on one domain; a sender of another domain is not what it proves. Behind a
        // group the sender comes from X-Original-From & co, which the seal does not cover (issue: a sealed
        // SNS notification with an X-Original-From added after sealing paged as Trust & Safety).
        var sns = Google with { Original = new OriginalAuthentication("pass", "sns.amazonaws.com", ["sns.amazonaws.com", "amazonses.com"], "pass") };
        yield return new TestCaseData("{ original_dmarc: [amazon.com, amazonaws.com, aws.com] }", sns, "trustandsafety@support.aws.com", false).SetName("Matches_OriginalDmarcOfAnotherDomainThanTheSender_DoesNotHold");
        yield return new TestCaseData("{ original_dmarc: amazonaws.com }", sns, "abuse@amazonaws.com", false).SetName("Matches_OriginalDmarcOfASubdomainOfTheSendersDomain_DoesNotHold");
        yield return new TestCaseData("{ original_dmarc: amazonaws.com }", sns, "no-reply@sns.amazonaws.com", true).SetName("Matches_OriginalDmarcOfTheSendersDomain_Holds");
        yield return new TestCaseData("{ original_dmarc: amazonaws.com }", sns, "NO-REPLY@SNS.AMAZONAWS.COM", true).SetName("Matches_OriginalDmarcAlignmentIgnoresCase_Holds");
        yield return new TestCaseData("{ original_dmarc: amazon.com }", Google, "", false).SetName("Matches_OriginalDmarcWithoutSender_DoesNotHold");
        yield return new TestCaseData("{ original_dmarc: amazon.com }", Google, "amazon.com", false).SetName("Matches_OriginalDmarcWithSenderWithoutAt_DoesNotHold");
        yield return new TestCaseData("{ original_dmarc: amazon.com }", Google, "ec2-abuse@evil.example@amazon.com", true).SetName("Matches_OriginalDmarcSenderDomainAfterLastAt_Holds");
        yield return new TestCaseData("{ original_dkim: amazonses.com }", sns, "x@mail.amazonses.com", true).SetName("Matches_OriginalDkimOfAParentOfTheSendersDomain_Holds");
        yield return new TestCaseData("{ original_dkim: amazonses.com }", sns, "trustandsafety@support.aws.com", false).SetName("Matches_OriginalDkimOfAnotherDomainThanTheSender_DoesNotHold");
        yield return new TestCaseData("{ original_dkim: amazonses.com }", sns, "x@evilamazonses.com", false).SetName("Matches_OriginalDkimOfADomainTheSendersMerelyEndsWith_DoesNotHold");
        yield return new TestCaseData("{ arc_sealed_by: google.com, dkim: google.com }", Google, "anyone@evil.example", true).SetName("Matches_PathChecksAreNotTiedToTheSender_Hold");
    }

    [TestCaseSource(nameof(Cases))]
    public void Matches_Table(string condition, AuthenticationFacts authentication, string sender, bool expected) =>
        Assert.That(TestRules.Matches($"{{ authenticated: {condition} }}", SomeFacts.Message() with { Sender = sender, Authentication = authentication }), Is.EqualTo(expected));

    [Test]
    public void Explain_OriginalDmarcOfAnotherDomainThanTheSender_SaysWhy()
    {
        var rules = TestRules.WithWhen("{ authenticated: { original_dmarc: amazonaws.com } }");
        var facts = SomeFacts.Message() with
        {
            Sender = "trustandsafety@support.aws.com",
            Authentication = Google with { Original = new OriginalAuthentication("pass", "sns.amazonaws.com", [], "pass") },
        };

        var trace = RuleEvaluator.Evaluate(rules, facts, explain: true).Trace.Single();

        Assert.That(trace.Reason, Does.StartWith("not authenticated: original_dmarc 'amazonaws.com': Google verified sns.amazonaws.com, but the sender 'trustandsafety@support.aws.com' is of another domain"));
    }

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
