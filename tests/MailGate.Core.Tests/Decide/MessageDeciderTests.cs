using MailGate.Core.Decide;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Text.Json;
using MailGate.Core.Tests.Decide.Support;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Decide;

/// <summary>
/// <see cref="MessageDecider"/> beyond trust: drops, rule errors, support cases, resolve events, account
/// resolution, the explanation <c>rules test</c> prints, unparseable messages, and that the decision is
/// a function of its inputs.
/// </summary>
[TestFixture]
public sealed class MessageDeciderTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static MessageDecision Decide(RuleSet rules, MessageFacts facts, bool resolve = false, bool explain = false) =>
        MessageDecider.Decide(new DecisionInput { Facts = facts, Rules = rules, DecidedAt = At, Resolve = resolve, Explain = explain }, new ScriptedLimiter());

    private static MessageFacts Case(string status = "opened") => new()
    {
        SpoolId = "spool-case",
        Sender = "aws-security-team@amazon.com",
        From = "aws-security-team@amazon.com",
        Subject = "Your AWS Account 123456789012 may be compromised",
        AccountId = "123456789012",
        ContentHash = "case-123456789012-muen-2026-7c0ff3e8a1b2c3d4",
        Case = new SupportCaseFacts { CaseId = "case-123456789012-muen-2026-7c0ff3e8a1b2c3d4", Category = "security", Status = status },
    };

    private const string SecurityCase = """
          - name: security-case
            when: { source: { equals: support-case }, category: { contains: security } }
            trust: required
            route: oncall
        """;

    [Test]
    public void Decide_DropRuleMatches_DropWithTheRule()
    {
        var sut = Decide(DecideRules.WithTrust(DecideRules.Abuse), SomeFacts.Message());

        Assert.Multiple(() =>
        {
            Assert.That((sut.Action, sut.ActionLabel, sut.Pages.Count, sut.Untrusted.Count), Is.EqualTo((DecisionAction.Drop, "drop", 0, 0)));
            Assert.That((sut.State.DroppedBy, sut.Evaluation.DroppedBy, sut.State.Error), Is.EqualTo(("everything-else", "everything-else", (string?)null)));
            Assert.That((sut.State.IsDecided, sut.State.IsFinished, sut.State.HasFailures), Is.EqualTo((true, true, false)));
        });
    }

    [Test]
    public void Decide_NoRuleMatches_DropWithoutARule()
    {
        var sut = Decide(DecideRules.WithoutTrust("  - name: t\n    when: { subject: { contains: Abuse } }\n    route: oncall\n"), SomeFacts.Message());

        Assert.That((sut.Action, sut.State.DroppedBy, sut.State.Deliveries.Count), Is.EqualTo((DecisionAction.Drop, (string?)null, 0)));
    }

    [Test]
    public void Decide_PageRuleRegexTimesOut_NothingElsePages_ErrorThatDeadLetters()
    {
        var rules = RulesLoader.Parse(
            TestRules.Head + "  - name: slow\n    when: { body: { regex: '(\\w+\\s?){1,200}!' } }\n    route: oncall\n  - name: everything-else\n    action: drop\n",
            TestRules.Source,
            TestRules.Options with { RegexMatchTimeout = TimeSpan.FromMilliseconds(1) });
        var facts = SomeFacts.Message() with { Body = string.Concat(Enumerable.Repeat("abuse report ", 80)) };

        var sut = Decide(rules, facts);

        Assert.Multiple(() =>
        {
            Assert.That((sut.Action, sut.ActionLabel), Is.EqualTo((DecisionAction.Error, "error")));
            Assert.That(sut.Evaluation.Errors.Single(), Is.EqualTo(new EvaluationError("slow", "regex_timeout", @"when: body regex '(\w+\s?){1,200}!' timed out after 1 ms", PageRule: true)));
            Assert.That(sut.State.Error, Is.EqualTo(@"the rules could not decide (nothing paged): rule 'slow': when: body regex '(\w+\s?){1,200}!' timed out after 1 ms"));
            Assert.That((sut.State.DroppedBy, sut.State.HasFailures), Is.EqualTo(("everything-else", true)), "dead-lettered, not dropped");
        });
    }

    [Test]
    public void Decide_SupportCase_TrustedWithoutMailAuthentication_IdentifiedByItsCase()
    {
        var limiter = new ScriptedLimiter(UntrustedVerdict.GlobalLimited);

        var sut = MessageDecider.Decide(new DecisionInput { Facts = Case(), Rules = DecideRules.WithTrust(SecurityCase), DecidedAt = At }, limiter);

        var page = sut.Pages.Single();
        Assert.Multiple(() =>
        {
            Assert.That((sut.Action, sut.Verified, page.Match.Trusted, page.Match.Severity), Is.EqualTo((DecisionAction.Page, true, true, "critical")));
            Assert.That((sut.Identity, sut.State.MessageId), Is.EqualTo(("case case-123456789012-muen-2026-7c0ff3e8a1b2c3d4", "case case-123456789012-muen-2026-7c0ff3e8a1b2c3d4")));
            Assert.That((sut.Authentication, sut.State.Authentication), Is.EqualTo((MessageDecider.SupportApiAuthentication, MessageDecider.SupportApiAuthentication)));
            Assert.That(page.Event.Payload.CustomDetails!.Text("authentication"), Is.EqualTo(MessageDecider.SupportApiAuthentication));
            Assert.That(page.Event.DedupKey, Is.EqualTo("mailgate-security-case-case-123456789012-muen-2026-7c0ff3e8a1b2c3d4"));
            Assert.That((sut.State.Deliveries.Single().Unverified, sut.KeysToPin.Count, limiter.Asked.Count), Is.EqualTo((false, 0, 0)));
        });
    }

    [TestCase(false, "trigger")]
    [TestCase(true, "resolve")]
    public void Decide_Resolve_BuildsResolveEventsWithTheSameDedupKey(bool resolve, string action)
    {
        var rules = DecideRules.WithTrust(SecurityCase);

        var sut = Decide(rules, Case("resolved"), resolve);

        Assert.That((sut.Pages.Single().Event.EventAction, sut.State.Deliveries.Single().Event.EventAction), Is.EqualTo((action, action)));
        Assert.That(sut.Pages.Single().Event.DedupKey, Is.EqualTo(Decide(rules, Case("resolved"), !resolve).Pages.Single().Event.DedupKey));
    }

    [Test]
    public void Decide_ResolvesTheAccount_FromTheTextAndTheMap_ForRulesEventAndState()
    {
        const string rules = """
              - name: t
                when: { account_name: { equals: prod-payments } }
                summary: "{account}"
                route: oncall
            """;

        var sut = Decide(DecideRules.WithTrust(rules), DecideRules.Report(DecideRules.Genuine));

        Assert.Multiple(() =>
        {
            Assert.That((sut.Facts.AccountId, sut.Facts.AccountName, sut.Facts.AccountOwner), Is.EqualTo(("123456789012", "prod-payments", "payments-team")));
            Assert.That(sut.Action, Is.EqualTo(DecisionAction.Page), "the rules saw the resolved account");
            Assert.That(sut.Pages.Single().Event.Payload.Summary, Is.EqualTo("prod-payments (123456789012)"));
            Assert.That(sut.State.Account, Is.EqualTo("prod-payments (123456789012)"));
        });
    }

    [Test]
    public void Decide_NoAccount_StateHasNone()
    {
        var sut = Decide(DecideRules.WithTrust(DecideRules.Abuse), SomeFacts.Message());

        Assert.That((sut.Facts.Account, sut.State.Account), Is.EqualTo(("", (string?)null)));
    }

    [Test]
    public void Decide_Explain_RecordsEveryRulesVerdict_AndDecidesTheSame()
    {
        var rules = DecideRules.WithTrust(DecideRules.Abuse);

        var explained = Decide(rules, DecideRules.Report(DecideRules.Genuine), explain: true);
        var plain = Decide(rules, DecideRules.Report(DecideRules.Genuine));

        Assert.Multiple(() =>
        {
            Assert.That(explained.Evaluation.Trace.Select(t => (t.Rule, t.Matched)), Is.EqualTo(new[] { ("abuse", true), ("everything-else", false) }));
            Assert.That(explained.Evaluation.Trace[0].Reason, Does.StartWith("matched: subject contains 'Abuse'").And.Contain("; trusted: "));
            Assert.That(explained.Evaluation.Trace[1].Reason, Is.EqualTo("not reached: decided by 'abuse'"));
            Assert.That(plain.Evaluation.Trace, Is.Empty);
            Assert.That(Persisted(explained.State), Is.EqualTo(Persisted(plain.State)));
        });
    }

    [Test]
    public void Decide_SameInputTwice_SameState()
    {
        var rules = DecideRules.WithTrust(DecideRules.Abuse);

        var first = Decide(rules, DecideRules.Report());
        var second = Decide(rules, DecideRules.Report());

        Assert.That(Persisted(first.State), Is.EqualTo(Persisted(second.State)));
        Assert.That((first.State.DecidedAt, first.State.RulesVersion), Is.EqualTo(((DateTimeOffset?)At, rules.Version)));
    }

    [Test]
    public void Decide_MailWithoutMessageId_StateIdentityIsEmpty_AuditFieldsFromTheFacts()
    {
        var sut = Decide(DecideRules.WithTrust(DecideRules.Abuse), DecideRules.Report() with { MessageId = "" });

        Assert.That((sut.Identity, sut.State.MessageId, sut.State.Sender, sut.State.Subject), Is.EqualTo(("", "", "ec2-abuse@amazon.com", "Your AWS Abuse Report [12345678] [AWS ID 123456789012]")));
    }

    [Test]
    public void Unparseable_IsDecidedAsAnErrorWithTheReason()
    {
        var state = MessageDecider.Unparseable("the header section is larger than 65536 bytes", At);

        Assert.That((state.DecidedAt, state.Error, state.Deliveries.Count, state.HasFailures), Is.EqualTo(((DateTimeOffset?)At, "cannot parse: the header section is larger than 65536 bytes", 0, true)));
    }

    [Test]
    public void Decide_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => MessageDecider.Decide(null!, new ScriptedLimiter()));
        Assert.Throws<ArgumentNullException>(() => MessageDecider.Decide(new DecisionInput { Facts = SomeFacts.Message(), Rules = DecideRules.WithTrust(DecideRules.Abuse) }, null!));
    }

    /// <summary>What <c>state.json</c> would hold.</summary>
    private static string Persisted(ProcessingState state) => JsonSerializer.Serialize(state, SpoolJsonContext.Default.ProcessingState);
}
