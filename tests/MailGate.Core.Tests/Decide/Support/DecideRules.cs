using MailGate.Core.Parse;
using MailGate.Core.Parse.Authentication;
using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Decide.Support;

/// <summary>Rules files and messages for decider tests: a trust policy like the shipped one, an account map, and an abuse report.</summary>
internal static class DecideRules
{
    /// <summary>What a genuine report through Google carries: Google's ARC seal over dmarc=pass for amazon.com, with the key that verified it.</summary>
    public static readonly AuthenticationFacts Genuine = new()
    {
        Arc = AuthOutcome.Pass,
        ArcSealer = "google.com",
        Original = new OriginalAuthentication("pass", "amazon.com", [], "pass"),
        KeysUsed = ["arc-20240605._domainkey.google.com"],
    };

    /// <summary>
    /// Routes <c>oncall</c> and <c>quiet</c>; a trust policy (<paramref name="untrusted"/> is its
    /// <c>untrusted:</c> line, if any); account 123456789012 named <c>prod-payments</c>; then <paramref name="rules"/>.
    /// </summary>
    public static RuleSet WithTrust(string rules, string untrusted = "") => TestRules.Parse($$"""
        version: 1
        routes:
          oncall:
            pagerduty:
              routing_key: ${PD_KEY}
          quiet:
            pagerduty:
              routing_key: ${PD_KEY}
              severity: info
        trust:
          trusted:
            authenticated: { arc_sealed_by: google.com, original_dmarc: amazon.com }
        {{untrusted}}
        accounts:
          aws-root-123456789012@example.com: { id: "123456789012", name: prod-payments, owner: payments-team }
        rules:
        {{rules}}
        """);

    /// <summary>The same without a trust policy.</summary>
    public static RuleSet WithoutTrust(string rules) => TestRules.Parse(TestRules.Head + rules);

    /// <summary>One abuse rule that requires trust, paging <c>oncall</c>; then a catch-all drop.</summary>
    public const string Abuse = """
          - name: abuse
            when: { subject: { contains: Abuse } }
            trust: required
            route: oncall
          - name: everything-else
            action: drop
        """;

    /// <summary>An abuse report from ec2-abuse@amazon.com about account 123456789012, authenticated as <paramref name="authentication"/> (not checked by default).</summary>
    public static MessageFacts Report(AuthenticationFacts? authentication = null) => SomeFacts.Message() with
    {
        Sender = "ec2-abuse@amazon.com",
        Subject = "Your AWS Abuse Report [12345678] [AWS ID 123456789012]",
        Authentication = authentication ?? AuthenticationFacts.NotChecked,
    };
}
