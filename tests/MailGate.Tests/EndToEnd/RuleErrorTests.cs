using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Cli;
using MailGate.Spool;
using MailGate.Tests.Support;
using MimeKit;

namespace MailGate.Tests.EndToEnd;

/// <summary>
/// Issue 11 §2 end to end: a page rule whose regex runs past its timeout does not drop the mail
/// silently. The message goes to dead/ with the reason, the failure is counted and logged at Error,
/// and <c>mailgate spool retry</c> decides it again (here after the rule is fixed).
/// </summary>
/// <remarks>
/// The regex and text really time out under the default 100 ms: the non-backtracking engine needs
/// seconds to build its automaton for this bounded repetition on this text (5.9 s measured without a
/// timeout); each gateway loads the rules afresh, so nothing is warmed up by another test.
/// </remarks>
[TestFixture]
public sealed class RuleErrorTests : GatewayTestBase
{
    private const string Slow = @"(\w+\s?){1,200}!";

    public static readonly string SlowRules = $$"""
        version: 1
        routes:
          security-oncall:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
        rules:
          - name: slow-abuse
            when:
              body: { regex: '{{Slow}}' }
            route: security-oncall
          - name: everything-else
            action: drop
        """;

    protected override string Rules => SlowRules;

    protected override string[] Settings => ["--Rules:ReloadInterval=00:00:00.200", "--Spool:ScanInterval=00:00:00.200"];

    /// <summary>A message whose body the slow regex cannot finish with.</summary>
    public static MimeMessage SlowMessage()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("ec2-abuse@amazon.com"));
        message.To.Add(MailboxAddress.Parse("aws-abuse@mailgate.example.com"));
        message.Subject = "Your AWS Abuse Report [12345678] [AWS ID 123456789012]";
        message.MessageId = "slow-regex-1@example.com";
        message.Body = new TextPart("plain") { Text = string.Concat(Enumerable.Repeat("abuse report ", 80)) };
        return message;
    }

    [Test]
    public async Task PageRuleRegexTimesOut_DeadLetteredCountedAndRetriedOnceFixed()
    {
        var id = await Mail.SendAsync(Gateway, SlowMessage());

        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Dead), "not dropped as decided");
        var state = SpoolStore.ReadState(Gateway.Spool.Find(id)!.Value.Message);
        using var http = new HttpClient { BaseAddress = Gateway.HttpUrl };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PagerDuty.Requests, Is.Empty);
            Assert.That(state.Error, Is.EqualTo($"the rules could not decide (nothing paged): rule 'slow-abuse': when: body regex '{Slow}' timed out after 100 ms"));
            Assert.That(state.DroppedBy, Is.EqualTo("everything-else"));
            Assert.That(metrics, Does.Match("mailgate_rules_errors_total\\{[^}]*reason=\"regex_timeout\"[^}]*\\} 1"));
            Assert.That(metrics, Does.Match("mailgate_rules_errors_total\\{[^}]*rule=\"slow-abuse\"[^}]*\\} 1"));
            Assert.That(metrics, Does.Match("mailgate_rules_decisions_total\\{[^}]*action=\"error\"[^}]*\\} 1"));
            Assert.That(metrics, Does.Match("mailgate_messages_dead_lettered_total(\\{[^}]*\\})? 1"));
        }

        Assert.That(await Gateway.EditRulesAsync(SlowRules.Replace(Slow, "abuse report", StringComparison.Ordinal)), Is.True);
        Gateway.ResetFinished(id);
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(["spool", "retry", id, "--spool", Gateway.SpoolPath], output, output);
        Assert.That(exit, Is.Zero, output.ToString());

        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done), "the retry decided it again, with the fixed rule");
        Assert.That(PagerDuty.Accepted.Single().Payload.GetProperty("class").GetString(), Is.EqualTo("slow-abuse"));
    }

    [Test]
    public async Task DropRuleRegexTimesOut_LaterPageRuleStillPages()
    {
        var rules = SlowRules
            .Replace("route: security-oncall\n  - name: everything-else", "action: drop\n  - name: abuse\n    when: { subject: { contains: 'Abuse Report' } }\n    route: security-oncall\n  - name: everything-else", StringComparison.Ordinal)
            .Replace("slow-abuse", "slow-spam-filter", StringComparison.Ordinal);
        Assert.That(await Gateway.EditRulesAsync(rules), Is.True);

        var id = await Mail.SendAsync(Gateway, SlowMessage());

        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));
        using var http = new HttpClient { BaseAddress = Gateway.HttpUrl };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PagerDuty.Accepted.Single().Payload.GetProperty("class").GetString(), Is.EqualTo("abuse"));
            Assert.That(metrics, Does.Match("mailgate_rules_errors_total\\{[^}]*rule=\"slow-spam-filter\"[^}]*\\} 1"));
        }
    }
}
