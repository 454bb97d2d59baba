using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

[TestFixture]
public class RoutingKeyTests
{
    private const string Secret = "S3CR3TR0UT1NGKEYdeadbeef00112233";

    private static string File(string routingKey) => $"""
        version: 1
        routes:
          oncall:
            pagerduty:
              routing_key: {routingKey}
              severity: error
        rules:
          - name: page
            route: oncall

        """;

    private static RulesLoadOptions Env(params (string Name, string? Value)[] variables) => new()
    {
        Environment = name => variables.FirstOrDefault(v => v.Name == name).Value,
    };

    [TestCase("${PD}", "key-1")]
    [TestCase("${ PD }", "key-1")]
    [TestCase("literal-key", "literal-key")]
    [TestCase("pre-${PD}-${OTHER}", "pre-key-1-key-2")]
    public void Parse_RoutingKey_ResolvesEnvironmentReferences(string written, string expected)
    {
        var rules = RulesLoader.Parse(File(written), "rules.yaml", Env(("PD", "key-1"), ("OTHER", "key-2")));

        var target = rules.Routes["oncall"].PagerDuty;
        Assert.Multiple(() =>
        {
            Assert.That(target.RoutingKey, Is.EqualTo(expected));
            Assert.That(target.Severity, Is.EqualTo("error"));
            Assert.That(target.IsDryRun, Is.False);
            Assert.That(target.MissingVariable, Is.Null);
        });
    }

    [TestCase(null)]
    [TestCase("")]
    public void Parse_MissingVariable_IsErrorNamingIt(string? value)
    {
        var errors = TestRules.Errors(File("${PAGERDUTY_ROUTING_KEY}"), Env(("PAGERDUTY_ROUTING_KEY", value)));

        Assert.That(errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "rules.yaml:5:20: route 'oncall': environment variable 'PAGERDUTY_ROUTING_KEY' is not set (it holds the routing key; set it, or allow missing routing keys for a dry run)",
        }));
    }

    [Test]
    public void Parse_MissingVariableAllowed_GivesDryRunRoute()
    {
        var options = Env() with { AllowMissingRoutingKeys = true };

        var rules = RulesLoader.Parse(File("${PAGERDUTY_ROUTING_KEY}"), "rules.yaml", options);

        var target = rules.Routes["oncall"].PagerDuty;
        Assert.Multiple(() =>
        {
            Assert.That(target.RoutingKey, Is.Null);
            Assert.That(target.IsDryRun, Is.True);
            Assert.That(target.MissingVariable, Is.EqualTo("PAGERDUTY_ROUTING_KEY"));
            Assert.That(TestRules.SingleMatch(rules, SomeFacts.Message()).Route, Is.EqualTo("oncall"));
        });
    }

    [TestCase("${}")]
    [TestCase("${PD")]
    [TestCase("${A-B}")]
    public void Parse_MalformedReference_IsError(string written)
    {
        var errors = TestRules.Errors(File(written), Env(("PD", "key-1")));

        Assert.That(errors.Select(e => (e.Line, e.Column)), Is.EqualTo(new[] { (5, 20) }));
    }

    [Test]
    public void ToString_Target_MasksRoutingKey()
    {
        var rules = RulesLoader.Parse(File("${PD}"), "rules.yaml", Env(("PD", Secret)));
        var route = rules.Routes["oncall"];

        Assert.Multiple(() =>
        {
            Assert.That(route.PagerDuty.ToString(), Is.EqualTo("PagerDutyTarget { RoutingKey = ***, Severity = error, MissingVariable = (none) }"));
            Assert.That(route.ToString(), Does.Not.Contain(Secret));
            Assert.That(rules.ToString(), Does.Not.Contain(Secret));
        });
    }

    [Test]
    public void ToString_DryRunTarget_SaysSo()
    {
        var target = new PagerDutyTarget(null, "critical", "PD");

        Assert.That(target.ToString(), Is.EqualTo("PagerDutyTarget { RoutingKey = (none), Severity = critical, MissingVariable = PD }"));
    }

    [TestCase("routing_key: " + Secret + "\n      severity: loud")]
    [TestCase("routing_key: [" + Secret + "]")]
    [TestCase("routing_key: { key: " + Secret + " }")]
    [TestCase("routing_key: " + Secret + "\n      colour: " + "red")]
    public void Parse_ErrorsNearLiteralKey_NeverShowIt(string pagerDutyBody)
    {
        var yaml = $"version: 7\nroutes:\n  oncall:\n    pagerduty:\n      {pagerDutyBody}\nrules:\n  - name: page\n    rout: oncall\n";

        var ex = Assert.Throws<RulesException>(() => RulesLoader.Parse(yaml, "rules.yaml", Env()));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Errors, Has.Count.GreaterThanOrEqualTo(3));
            Assert.That(ex.Message, Does.Not.Contain(Secret));
            Assert.That(ex.ToString(), Does.Not.Contain(Secret));
        });
    }

    [Test]
    public void Parse_ErrorsWithKeyFromEnvironment_NeverShowIt()
    {
        var yaml = File("${PD}").Replace("severity: error", "severity: loud", StringComparison.Ordinal);

        var ex = Assert.Throws<RulesException>(() => RulesLoader.Parse(yaml, "rules.yaml", Env(("PD", Secret))));

        Assert.That(ex.Message, Does.Not.Contain(Secret).And.Contains("invalid severity 'loud'"));
    }

    [Test]
    public void Parse_RouteWithoutRoutingKey_IsError()
    {
        var yaml = "version: 1\nroutes:\n  oncall:\n    pagerduty:\n      severity: info\nrules: []\n";

        var errors = TestRules.Errors(yaml);

        Assert.That(errors.Select(e => e.ToString()), Is.EqualTo(new[] { "rules.yaml:5:7: route 'oncall': missing 'routing_key' under 'pagerduty'" }));
    }

    [Test]
    public void Options_Default_ReadProcessEnvironment()
    {
        var options = new RulesLoadOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.AllowMissingRoutingKeys, Is.False);
            Assert.That(options.Environment("PATH"), Is.EqualTo(Environment.GetEnvironmentVariable("PATH")));
        });
    }
}
