using System.Text;
using MailGate.Core.Coverage;
using MailGate.Core.Decide;
using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Tests.Decide.Support;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Coverage;

/// <summary>A coverage record (a <see cref="CoverageAlert"/> committed by MailGate) is decided by the <c>coverage:</c> section, never by the rules.</summary>
[TestFixture]
public sealed class CoverageDecisionTests
{
    private static readonly DateTimeOffset Raised = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Two routes, a page-everything rule on <c>oncall</c>, coverage on <c>platform</c>.</summary>
    private static string Rules(string coverage) => $$"""
        version: 1
        routes:
          oncall:
            pagerduty:
              routing_key: ${PD_KEY}
          platform:
            pagerduty:
              routing_key: ${PD_KEY}
              severity: error
        {{coverage}}
        rules:
          - name: everything
            route: oncall

        """;

    private static readonly RuleSet WithSection = TestRules.Parse(Rules("coverage: { route: platform, severity: critical }"));

    private static CoverageAlert Missing(bool resolve = false, DateTimeOffset? raised = null) => new()
    {
        Kind = "missing",
        Resolve = resolve,
        DedupKey = CoverageAlert.AccountKey("123456789012"),
        Summary = "Coverage: no probe from prod-payments (123456789012, aws-root-123456789012@example.com) since 2026-11-30 08:00 UTC",
        AccountId = "123456789012",
        AccountName = "prod-payments",
        RootAddress = "aws-root-123456789012@example.com",
        RaisedAt = raised ?? Raised,
    };

    private static MessageFacts Facts(CoverageAlert alert) =>
        CoverageAlertReader.Read("s1", Envelope.ForCoverage(new CoverageOrigin(alert.AccountId, alert.Resolve), alert.RaisedAt), new MemoryStream(CoverageDocuments.Write(alert)));

    private static MessageDecision Decide(RuleSet rules, CoverageAlert alert) =>
        MessageDecider.Decide(new DecisionInput { Facts = Facts(alert), Rules = rules, DecidedAt = Raised, Resolve = alert.Resolve }, new ScriptedLimiter());

    [Test]
    public void Decide_Alert_OnePageOnTheCoverageRouteNeverTheRules()
    {
        var sut = Decide(WithSection, Missing());

        Assert.That(sut.Pages, Has.Count.EqualTo(1));
        var (match, sent) = sut.Pages[0];
        Assert.Multiple(() =>
        {
            Assert.That(sut.Action, Is.EqualTo(DecisionAction.Page));
            Assert.That((match.Rule, match.Route, match.Severity), Is.EqualTo(("coverage", "platform", "critical")));
            Assert.That(sent.EventAction, Is.EqualTo("trigger"));
            Assert.That(sent.DedupKey, Is.EqualTo("mailgate-coverage-123456789012"));
            Assert.That(sent.Payload.Summary, Is.EqualTo(Missing().Summary));
            Assert.That(sent.Payload.Severity, Is.EqualTo("critical"));
            Assert.That(sent.Payload.Source, Is.EqualTo("mailgate-coverage/123456789012"));
            Assert.That(sent.Payload.Component, Is.EqualTo("coverage"));
            Assert.That(sut.State.Deliveries.Single().LedgerKey, Is.Not.Null);
            Assert.That(sut.State.Error, Is.Null);
            Assert.That(sut.State.Account, Is.EqualTo("prod-payments (123456789012)"));
        });
    }

    [Test]
    public void Decide_SectionWithoutSeverity_PagesAtWarning()
    {
        var sut = Decide(TestRules.Parse(Rules("coverage: { route: platform }")), Missing());

        Assert.That(sut.Pages.Single().Event.Payload.Severity, Is.EqualTo("warning"));
    }

    [Test]
    public void Decide_Resolve_ResolveEventWithTheSameKeyAndNoLedgerKey()
    {
        var sut = Decide(WithSection, Missing(resolve: true));

        var delivery = sut.State.Deliveries.Single();
        Assert.That((delivery.Event.EventAction, delivery.Event.DedupKey, delivery.LedgerKey), Is.EqualTo(("resolve", "mailgate-coverage-123456789012", (string?)null)));
    }

    [Test]
    public void Decide_NoCoverageSection_ErrorNothingPaged()
    {
        var sut = Decide(TestRules.Parse(Rules("")), Missing());

        Assert.Multiple(() =>
        {
            Assert.That(sut.Action, Is.EqualTo(DecisionAction.Error));
            Assert.That(sut.Pages, Is.Empty);
            Assert.That(sut.State.Error, Does.Contain("no 'coverage:' section"));
            Assert.That(sut.State.HasFailures, Is.True, "dead-lettered");
        });
    }

    [Test]
    public void LedgerKey_SameAlertTwice_Same_NewMissAfterResolve_Different()
    {
        var first = Decide(WithSection, Missing()).State.Deliveries.Single().LedgerKey;
        var again = Decide(WithSection, Missing()).State.Deliveries.Single().LedgerKey;
        var later = Decide(WithSection, Missing(raised: Raised.AddDays(2))).State.Deliveries.Single().LedgerKey;

        Assert.That((again, later == first), Is.EqualTo((first, false)));
    }

    [TestCase("", TestName = "Read_Empty_Refused")]
    [TestCase("not json", TestName = "Read_NotJson_Refused")]
    [TestCase("{\"kind\":\"missing\",\"dedup_key\":\"k\",\"raised_at\":\"2026-12-01T08:00:00Z\"}", TestName = "Read_NoSummary_Refused")]
    [TestCase("{\"kind\":\"\",\"dedup_key\":\"k\",\"summary\":\"s\",\"raised_at\":\"2026-12-01T08:00:00Z\"}", TestName = "Read_EmptyKind_Refused")]
    public void Read_NotAnAlert_ThrowsParseException(string content) =>
        Assert.That(
            () => CoverageAlertReader.Read("s1", Envelope.ForCoverage(new CoverageOrigin("x"), Raised), new MemoryStream(Encoding.UTF8.GetBytes(content))),
            Throws.TypeOf<MessageParseException>());

    [Test]
    public void Facts_OfAnAlert_SourceCoverageKindInDetails()
    {
        var facts = Facts(Missing());
        var details = Decide(WithSection, Missing()).Pages.Single().Event.Payload.CustomDetails!.Facts;

        Assert.That(facts.Source, Is.EqualTo("coverage"));
        Assert.That(details["coverage"]?["coverage_kind"]?.GetValue<string>(), Is.EqualTo("missing"), details.ToJsonString());
    }
}
