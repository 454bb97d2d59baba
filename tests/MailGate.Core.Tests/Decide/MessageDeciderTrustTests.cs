using MailGate.Core.Decide;
using MailGate.Core.Parse;
using MailGate.Core.Parse.Authentication;
using MailGate.Core.Rules;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Core.Tests.Decide.Support;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Decide;

/// <summary>
/// <see cref="MessageDecider"/> on trust: trusted mail pages as the rule says and pins its keys; untrusted
/// mail pages marked, or is dropped by the policy, or is cut off by the untrusted limits — each time with
/// the audit line the state keeps, and never silently.
/// </summary>
[TestFixture]
public sealed class MessageDeciderTrustTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static MessageDecision Decide(RuleSet rules, MessageFacts facts, IUntrustedLimiter limiter, string? client = "203.0.113.9") =>
        MessageDecider.Decide(new DecisionInput { Facts = facts, Rules = rules, ClientAddress = client, DecidedAt = At }, limiter);

    [Test]
    public void Decide_Trusted_PagesAsTheRuleSaysAndPinsItsKeys()
    {
        var limiter = new ScriptedLimiter();

        var sut = Decide(DecideRules.WithTrust(DecideRules.Abuse), DecideRules.Report(DecideRules.Genuine), limiter);

        var page = sut.Pages.Single();
        var delivery = sut.State.Deliveries.Single();
        Assert.Multiple(() =>
        {
            Assert.That((sut.Action, sut.ActionLabel, sut.Verified), Is.EqualTo((DecisionAction.Page, "page", true)));
            Assert.That((page.Match.Rule, page.Match.Route, page.Match.Severity, page.Match.Trusted), Is.EqualTo(("abuse", "oncall", "critical", true)));
            Assert.That(page.Event.Payload.CustomDetails!.Trusted, Is.True);
            Assert.That((delivery.Rule, delivery.Route, delivery.Unverified, delivery.Status), Is.EqualTo(("abuse", "oncall", false, DeliveryStatus.Pending)));
            Assert.That(delivery.Event, Is.EqualTo(page.Event));
            Assert.That(sut.KeysToPin, Is.EqualTo(new[] { "arc-20240605._domainkey.google.com" }));
            Assert.That(sut.Untrusted, Is.Empty);
            Assert.That(limiter.Asked, Is.Empty, "trusted pages are not limited");
            Assert.That(sut.State.Authentication, Does.StartWith("arc=pass (google.com)"));
        });
    }

    [Test]
    public void Decide_Untrusted_PagesMarkedAtWarning_InTheUnverifiedLane_AfterAskingTheLimiter()
    {
        var limiter = new ScriptedLimiter();
        var rules = DecideRules.WithTrust(DecideRules.Abuse);

        var sut = Decide(rules, DecideRules.Report(), limiter);

        var page = sut.Pages.Single();
        Assert.Multiple(() =>
        {
            Assert.That((sut.Action, sut.Verified), Is.EqualTo((DecisionAction.Page, false)));
            Assert.That((page.Match.Severity, page.Match.Trusted, page.Match.Summary), Is.EqualTo(("warning", false, "[unverified] Your AWS Abuse Report [12345678] [AWS ID 123456789012] (account prod-payments (123456789012))")), "the default summary names the resolved account");
            Assert.That(page.Event.DedupKey, Does.StartWith(DedupKeys.UntrustedPrefix));
            Assert.That(sut.State.Deliveries.Single().Unverified, Is.True);
            Assert.That(sut.State.Deliveries.Single().TravelsUnverified(), Is.True);
            Assert.That(sut.KeysToPin, Is.Empty);
            Assert.That(limiter.Asked, Is.EqualTo(new[] { ("ec2-abuse@amazon.com", (string?)"203.0.113.9", rules.Trust!.Untrusted) }));
        });
    }

    [TestCase(UntrustedVerdict.SenderLimited, "rate_limited", "ec2-abuse@amazon.com is over trust.untrusted.max_per_sender_per_hour")]
    [TestCase(UntrustedVerdict.ClientNetworkLimited, "rate_limited_client", "its client network 203.0.113.0/24 is over trust.untrusted.max_per_client_network_per_hour")]
    [TestCase(UntrustedVerdict.GlobalLimited, "rate_limited_global", "untrusted pages are over trust.untrusted.max_per_hour")]
    public void Decide_UntrustedOverALimit_NothingPages_TheAuditLineSaysWhich(UntrustedVerdict verdict, string outcome, string limit)
    {
        var sut = Decide(DecideRules.WithTrust(DecideRules.Abuse), DecideRules.Report(), new ScriptedLimiter(verdict));

        var untrusted = sut.Untrusted.Single();
        Assert.Multiple(() =>
        {
            Assert.That(sut.Pages, Is.Empty);
            Assert.That((sut.Action, sut.ActionLabel), Is.EqualTo((DecisionAction.Drop, "drop")));
            Assert.That((untrusted.Rule, untrusted.Verdict, untrusted.Outcome, untrusted.Limit, untrusted.DroppedByPolicy), Is.EqualTo(("abuse", verdict, outcome, limit, false)));
            Assert.That(untrusted.Audit, Is.EqualTo($"abuse: matched, but the message is not trusted and {limit}; not paged"));
            Assert.That(sut.State.Untrusted, Is.EqualTo(new[] { untrusted.Audit }));
            Assert.That((sut.State.Deliveries.Count, sut.State.Error, sut.State.IsFinished, sut.State.HasFailures), Is.EqualTo((0, (string?)null, true, false)));
        });
    }

    [TestCase(null, "unknown")]
    [TestCase("::ffff:198.51.100.7", "198.51.100.0/24")]
    [TestCase("2001:db8:1:2::9", "2001:db8:1:2::/64")]
    public void Decide_OverTheNetworkLimit_TheAuditLineNamesTheClientNetwork(string? client, string network)
    {
        var sut = Decide(DecideRules.WithTrust(DecideRules.Abuse), DecideRules.Report(), new ScriptedLimiter(UntrustedVerdict.ClientNetworkLimited), client);

        Assert.That(sut.Untrusted.Single().Limit, Is.EqualTo($"its client network {network} is over trust.untrusted.max_per_client_network_per_hour"));
    }

    [Test]
    public void Decide_UntrustedDropTreatment_DroppedByThePolicyWithItsAuditLine_LimiterNotAsked()
    {
        var limiter = new ScriptedLimiter();

        var sut = Decide(DecideRules.WithTrust(DecideRules.Abuse, "  untrusted: { action: drop }"), DecideRules.Report(), limiter);

        var untrusted = sut.Untrusted.Single();
        Assert.Multiple(() =>
        {
            Assert.That((sut.Action, sut.Pages.Count), Is.EqualTo((DecisionAction.Drop, 0)));
            Assert.That((untrusted.Rule, untrusted.DroppedByPolicy, untrusted.Outcome, untrusted.Limit), Is.EqualTo(("abuse", true, "dropped", (string?)null)));
            Assert.That(sut.State.Untrusted, Is.EqualTo(new[] { "abuse: matched, but the message is not trusted; dropped by the trust policy" }));
            Assert.That(sut.State.DroppedBy, Is.Null, "not a drop rule: the trust policy");
            Assert.That(limiter.Asked, Is.Empty);
        });
    }

    [Test]
    public void Decide_UntrustedRouteTreatment_PagesTheOtherRoute()
    {
        var sut = Decide(DecideRules.WithTrust(DecideRules.Abuse, "  untrusted: { action: route, route: quiet, severity: info }"), DecideRules.Report(), new ScriptedLimiter());

        Assert.That((sut.Pages.Single().Match.Route, sut.State.Deliveries.Single().Route, sut.Pages.Single().Match.Severity), Is.EqualTo(("quiet", "quiet", "info")));
    }

    [Test]
    public void Decide_TwoUntrustedMatches_TheLimiterIsAskedForEachInRuleOrder_OnlyTheSecondIsCutOff()
    {
        const string rules = """
              - name: first
                when: { subject: { contains: Abuse } }
                trust: required
                continue: true
                route: oncall
              - name: second
                when: { subject: { contains: Abuse } }
                trust: required
                route: quiet
            """;
        var limiter = new ScriptedLimiter(UntrustedVerdict.Allowed, UntrustedVerdict.GlobalLimited);

        var sut = Decide(DecideRules.WithTrust(rules), DecideRules.Report(), limiter);

        Assert.Multiple(() =>
        {
            Assert.That(limiter.Asked, Has.Count.EqualTo(2));
            Assert.That(sut.Pages.Select(p => p.Match.Rule), Is.EqualTo(new[] { "first" }));
            Assert.That(sut.Untrusted.Select(u => (u.Rule, u.Verdict)), Is.EqualTo(new[] { ("second", UntrustedVerdict.GlobalLimited) }));
            Assert.That(sut.Action, Is.EqualTo(DecisionAction.Page));
        });
    }

    [Test]
    public void Decide_UntrustedMailToARuleWithoutTrust_PagesAsTheRuleSaysButTravelsInTheUnverifiedLane()
    {
        const string rules = """
              - name: page-everything
                route: oncall
            """;
        var limiter = new ScriptedLimiter();

        var sut = Decide(DecideRules.WithTrust(rules), DecideRules.Report(), limiter);

        var delivery = sut.State.Deliveries.Single();
        Assert.Multiple(() =>
        {
            Assert.That((sut.Pages.Single().Match.Trusted, sut.Pages.Single().Match.Severity), Is.EqualTo((true, "critical")));
            Assert.That((sut.Verified, delivery.Unverified, delivery.TravelsUnverified()), Is.EqualTo((false, true, true)));
            Assert.That(limiter.Asked, Is.Empty, "only untrusted matches count against the limits");
        });
    }

    [Test]
    public void Decide_NoTrustPolicy_EverythingVerified_NoKeysPinned()
    {
        const string rules = """
              - name: abuse
                when: { subject: { contains: Abuse } }
                route: oncall
            """;

        var sut = Decide(DecideRules.WithoutTrust(rules), DecideRules.Report(DecideRules.Genuine), new ScriptedLimiter());

        Assert.That((sut.Verified, sut.State.Deliveries.Single().Unverified, sut.KeysToPin.Count), Is.EqualTo((true, false, 0)));
    }

    [Test]
    public void Decide_RepeatedFromHeader_NeverTrustedEvenWithAGoodSeal()
    {
        var facts = DecideRules.Report(DecideRules.Genuine) with { Headers = SomeFacts.Headers(("From", "a@amazon.com"), ("From", "b@evil.example")) };

        var sut = Decide(DecideRules.WithTrust(DecideRules.Abuse), facts, new ScriptedLimiter());

        Assert.That(sut.Pages.Single().Match.Trusted, Is.False);
        Assert.That((sut.Verified, sut.State.Deliveries.Single().Unverified, sut.KeysToPin.Count), Is.EqualTo((false, true, 0)),
            "one answer: not trusted, so the unverified lane and no keys pinned");
    }

    [Test]
    public void Decide_TrustedByKeysWithNoneUsed_PinsNothing()
    {
        var sut = Decide(DecideRules.WithTrust(DecideRules.Abuse), DecideRules.Report(DecideRules.Genuine with { KeysUsed = [] }), new ScriptedLimiter());

        Assert.That((sut.Verified, sut.KeysToPin.Count), Is.EqualTo((true, 0)));
    }

    [Test]
    public void Decide_NotChecked_AuditLineSaysSo()
    {
        var sut = Decide(DecideRules.WithTrust(DecideRules.Abuse), DecideRules.Report(AuthenticationFacts.NotChecked), new ScriptedLimiter());

        Assert.That(sut.Authentication, Is.EqualTo(AuthenticationFacts.NotChecked.ToString()).And.EqualTo(sut.State.Authentication));
    }
}
