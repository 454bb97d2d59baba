using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

[TestFixture]
public class RulesLoaderErrorTests
{
    // TestRules.Head takes lines 1-6 (version, routes, oncall, pagerduty, routing_key, rules);
    // the rules below it start on line 7.
    private static IEnumerable<TestCaseData> SingleErrorCases()
    {
        yield return Case(
            "bad YAML syntax",
            TestRules.Head + "  - name: t\n    when: x: y\n    route: oncall\n",
            8, 12, null, "invalid YAML: ");
        yield return Case(
            "unclosed flow mapping",
            TestRules.Head + "  - name: t\n    when: { subject: { contains: x }\n    route: oncall\n",
            8, 36, null, "invalid YAML after this point (check for an unclosed '{' or '[')");
        yield return Case(
            "duplicate YAML key",
            TestRules.Head + "  - name: t\n    action: drop\n    action: drop\n",
            9, 5, null, "invalid YAML: Duplicate key");
        yield return Case(
            "unknown top-level key",
            "version: 1\nrule: []\nrules: []\n",
            2, 1, null, "unknown top-level key 'rule' (expected one of: version, routes, accounts, trust, coverage, rules)");
        yield return Case(
            "unknown rule key",
            TestRules.Head + "  - name: t\n    action: drop\n    contnue: true\n",
            9, 5, "t", "unknown rule key 'contnue' (expected one of: name, description, when, extract, summary, dedup_key, severity, route, action, continue, trust, reply_within)");
        yield return Case(
            "unknown field",
            TestRules.Head + "  - name: t\n    when: { subjet: { contains: x } }\n    route: oncall\n",
            8, 13, "t", "unknown field 'subjet' (expected one of: sender, from, envelope_from, recipient, to, cc, subject, body, list_id, message_id, account_id, account_ids, account_name, header, authenticated, source, case_id, display_id, category, service, severity, status, submitted_by, language, time_created, account_email, event_arn, event_type_code, region, start_time, last_updated_time, description, any, all, not)");
        yield return Case(
            "unknown operator",
            TestRules.Head + "  - name: aws-abuse-report\n    when: { sender: { startswith: x } }\n    route: oncall\n",
            8, 23, "aws-abuse-report", "unknown operator 'startswith' (expected one of: equals, contains, starts_with, ends_with, domain, regex)");
        yield return Case(
            "unknown operator in a nested condition",
            TestRules.Head + "  - name: t\n    when:\n      any:\n        - not: { to: { matches: x } }\n    route: oncall\n",
            10, 24, "t", "unknown operator 'matches'");
        yield return Case(
            "undefined route",
            TestRules.Head + "  - name: t\n    route: pager\n",
            8, 12, "t", "undefined route 'pager' (defined routes: oncall)");
        yield return Case(
            "invalid regex",
            TestRules.Head + "  - name: t\n    when: { subject: { regex: 'a(b' } }\n    route: oncall\n",
            8, 31, "t", "invalid regex 'a(b'");
        yield return Case(
            "backreference unsupported by NonBacktracking",
            TestRules.Head + "  - name: t\n    when: { subject: { regex: '(a)\\1' } }\n    route: oncall\n",
            8, 31, "t", "regex '(a)\\1' is not supported");
        yield return Case(
            "lookahead unsupported by NonBacktracking",
            TestRules.Head + "  - name: t\n    when:\n      body: { regex: 'foo(?=bar)' }\n    route: oncall\n",
            9, 22, "t", "regex 'foo(?=bar)' is not supported");
        yield return Case(
            "invalid extract regex",
            TestRules.Head + "  - name: t\n    extract:\n      id: { subject: '[' }\n    route: oncall\n",
            9, 22, "t", "invalid regex '['");
        yield return Case(
            "duplicate rule name",
            TestRules.Head + "  - name: t\n    action: drop\n  - name: t\n    action: drop\n",
            9, 11, "t", "duplicate rule name 't' (first used on line 7)");
        yield return Case(
            "missing name",
            TestRules.Head + "  - name: t\n    action: drop\n  - action: drop\n",
            9, 5, "#2", "missing required key 'name'");
        yield return Case(
            "description that is not text",
            TestRules.Head + "  - name: t\n    description: [a, b]\n    action: drop\n",
            8, 18, "t", "'description' must be a single value, found a list");
        yield return Case(
            "both route and drop",
            TestRules.Head + "  - name: t\n    action: drop\n    route: oncall\n",
            9, 5, "t", "a rule has either 'route' or 'action: drop', not both");
        yield return Case(
            "neither route nor action",
            TestRules.Head + "  - name: t\n    when: { subject: { contains: x } }\n",
            7, 5, "t", "a rule needs either 'route: <name>' or 'action: drop'");
        yield return Case(
            "unknown action",
            TestRules.Head + "  - name: t\n    action: page\n",
            8, 13, "t", "unknown action 'page' (expected one of: drop, route)");
        yield return Case(
            "bad route severity",
            "version: 1\nroutes:\n  oncall:\n    pagerduty:\n      routing_key: abc\n      severity: urgent\nrules: []\n",
            6, 17, null, "route 'oncall': invalid severity 'urgent' (expected one of: critical, error, warning, info)");
        yield return Case(
            "bad rule severity",
            TestRules.Head + "  - name: t\n    route: oncall\n    severity: high\n",
            9, 15, "t", "invalid severity 'high' (expected one of: critical, error, warning, info)");
        yield return Case(
            "bad version",
            "version: 2\nrules: []\n",
            1, 10, null, "unsupported version '2' (expected 1)");
        yield return Case(
            "missing version",
            "rules: []\n",
            1, 1, null, "missing 'version: 1'");
        yield return Case(
            "unknown template placeholder",
            TestRules.Head + "  - name: t\n    route: oncall\n    summary: \"{acount} x\"\n",
            9, 14, "t", "'summary': unknown placeholder '{acount}' at offset 1 (expected one of: subject, sender,");
        yield return Case(
            "unknown dedup_key placeholder",
            TestRules.Head + "  - name: t\n    route: oncall\n    dedup_key: 'k-{id}'\n",
            9, 16, "t", "'dedup_key': unknown placeholder '{id}'");
        yield return Case(
            "unclosed template brace",
            TestRules.Head + "  - name: t\n    route: oncall\n    summary: 'a {subject'\n",
            9, 14, "t", "'summary': unclosed '{' at offset 2");
        yield return Case(
            "missing environment variable",
            "version: 1\nroutes:\n  oncall:\n    pagerduty:\n      routing_key: ${NOPE}\nrules: []\n",
            5, 20, null, "route 'oncall': environment variable 'NOPE' is not set");
        yield return Case(
            "list where a mapping is expected",
            TestRules.Head + "  - name: t\n    when: [ { subject: { contains: x } } ]\n    route: oncall\n",
            8, 11, "t", "'when' must be a mapping (key: value lines), found a list");
        yield return Case(
            "scalar where operators are expected",
            TestRules.Head + "  - name: t\n    when: { subject: Abuse }\n    route: oncall\n",
            8, 22, "t", "field 'subject' must be a mapping (key: value lines), found a single value");
        yield return Case(
            "mapping where rules list is expected",
            "version: 1\nrules:\n  t: { action: drop }\n",
            3, 3, null, "'rules' must be a list, found a mapping");
        yield return Case(
            "empty any list",
            TestRules.Head + "  - name: t\n    when: { any: [] }\n    route: oncall\n",
            8, 18, "t", "'any' must list at least one condition");
        yield return Case(
            "empty all list",
            TestRules.Head + "  - name: t\n    when: { all: [] }\n    route: oncall\n",
            8, 18, "t", "'all' must list at least one condition");
        yield return Case(
            "empty operand list",
            TestRules.Head + "  - name: t\n    when: { to: { contains: [] } }\n    route: oncall\n",
            8, 29, "t", "'to: contains' must not be an empty list");
        yield return Case(
            "header without name",
            TestRules.Head + "  - name: t\n    when: { header: { contains: x } }\n    route: oncall\n",
            8, 21, "t", "field 'header' needs 'name'");
        yield return Case(
            "field without operator",
            TestRules.Head + "  - name: t\n    when: { subject: {} }\n    route: oncall\n",
            8, 22, "t", "field 'subject' has no operator");
        yield return Case(
            "drop rule that continues",
            TestRules.Head + "  - name: t\n    action: drop\n    continue: true\n",
            9, 5, "t", "a drop rule cannot continue");
        yield return Case(
            "empty file",
            "",
            1, 1, null, "the rules file is empty");
    }

    private static TestCaseData Case(string name, string yaml, int line, int column, string? rule, string message) =>
        new TestCaseData(yaml, line, column, rule, message).SetArgDisplayNames(name);

    [TestCaseSource(nameof(SingleErrorCases))]
    public void TryParse_InvalidFile_ReportsOneErrorAtItsPosition(string yaml, int line, int column, string? rule, string message)
    {
        var errors = TestRules.Errors(yaml);

        Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors));
        var error = errors[0];
        Assert.Multiple(() =>
        {
            Assert.That(error.File, Is.EqualTo(TestRules.Source));
            Assert.That((error.Line, error.Column), Is.EqualTo((line, column)), error.ToString());
            Assert.That(error.Rule, Is.EqualTo(rule));
            Assert.That(error.Message, Does.StartWith(message));
        });
    }

    [Test]
    public void TryParse_SeveralProblems_ReportsAllInOnePass()
    {
        var yaml = """
            version: 1
            routes:
              oncall:
                pagerduty:
                  routing_key: abc
                  severity: loud
            rules:
              - name: one
                when: { subjet: { contains: x } }
                route: oncall
              - name: two
                when: { sender: { startswith: x } }
                route: nowhere
              - name: one
                action: drop
            """;

        var errors = TestRules.Errors(yaml);

        Assert.That(errors.Select(e => $"{e.Line}:{e.Column} {e.Rule}"), Is.EqualTo(new[]
        {
            "6:17 ",
            "9:13 one",
            "12:23 two",
            "13:12 two",
            "14:11 one",
        }));
    }

    [Test]
    public void ToString_RuleError_UsesFileLineColumnRuleMessage()
    {
        var error = new RuleError("rules.yaml", 12, 7, "aws-abuse-report", "unknown operator 'startswith'");

        Assert.That(error.ToString(), Is.EqualTo("rules.yaml:12:7: rule 'aws-abuse-report': unknown operator 'startswith'"));
    }

    [Test]
    public void ToString_ErrorOutsideRules_OmitsRule()
    {
        var error = new RuleError("rules.yaml", 1, 10, null, "unsupported version '2' (expected 1)");

        Assert.That(error.ToString(), Is.EqualTo("rules.yaml:1:10: unsupported version '2' (expected 1)"));
    }

    [Test]
    public void Parse_InvalidFile_ThrowsWithEveryErrorOnItsOwnLine()
    {
        var yaml = "version: 3\nrules:\n  - name: t\n    colour: red\n    action: drop\n";

        var ex = Assert.Throws<RulesException>(() => TestRules.Parse(yaml));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Errors, Has.Count.EqualTo(2));
            Assert.That(ex.Message.Split('\n'), Is.EqualTo(new[]
            {
                "rules.yaml:1:10: unsupported version '3' (expected 1)",
                "rules.yaml:4:5: rule 't': unknown rule key 'colour' (expected one of: name, description, when, extract, summary, dedup_key, severity, route, action, continue, trust, reply_within)",
            }));
        });
    }

    [Test]
    public void Load_MissingFile_ThrowsSingleErrorAtZeroZero()
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "no-such-dir", "rules.yaml");

        var ex = Assert.Throws<RulesException>(() => RulesLoader.Load(path));

        Assert.That(ex.Errors, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That((ex.Errors[0].File, ex.Errors[0].Line, ex.Errors[0].Column), Is.EqualTo((path, 0, 0)));
            Assert.That(ex.Errors[0].Message, Is.EqualTo("cannot read the rules file: the file does not exist"));
        });
    }

    [Test]
    public void Load_ExistingFile_UsesPathAsSource()
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "Fixtures", "shipped-rules.yaml");

        var rules = RulesLoader.Load(path, TestRules.Options with { Environment = _ => "key" });

        Assert.That(rules.Source, Is.EqualTo(path));
    }
}
