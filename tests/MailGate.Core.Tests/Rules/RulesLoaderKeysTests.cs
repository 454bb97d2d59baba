using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

/// <summary>
/// Keys across every kind of mapping in a rules file, read by one mechanism (<c>MappingSchema</c>):
/// a key repeated with a tag (which YamlDotNet lets through) is a duplicate everywhere, and the errors of
/// every reader keep their order and positions (pinned from the readers before the schema).
/// </summary>
[TestFixture]
public class RulesLoaderKeysTests
{
    private const string Route = "routes:\n  oncall:\n    pagerduty:\n      routing_key: abc\n";

    // Before, a tagged repeat slipped through: a route's second routing key silently replaced the first,
    // a condition's field was tested twice, an extract was added twice.
    [TestCase("top level", "version: 1\n!!str version: 1\n" + Route + "rules: []\n", 2, 1, null, "duplicate key 'version' (first used on line 1)")]
    [TestCase("rule", "version: 1\n" + Route + "rules:\n  - name: t\n    route: oncall\n    !!str route: oncall\n", 9, 5, "t", "duplicate key 'route' (first used on line 8)")]
    [TestCase("rule name", "version: 1\n" + Route + "rules:\n  - name: t\n    !!str name: u\n    route: oncall\n", 8, 5, "t", "duplicate key 'name' (first used on line 7)")]
    [TestCase("rule name tagged first", "version: 1\n" + Route + "rules:\n  - !!str name: t\n    name: u\n    route: oncall\n", 8, 5, "t", "duplicate key 'name' (first used on line 7)")]
    [TestCase("route name", "version: 1\n" + Route + "  !!str oncall: { pagerduty: { routing_key: def } }\nrules: []\n", 6, 3, null, "duplicate route 'oncall' (first used on line 3)")]
    [TestCase("pagerduty", "version: 1\nroutes:\n  oncall:\n    pagerduty:\n      routing_key: abc\n      !!str routing_key: def\nrules: []\n", 6, 7, null, "duplicate key 'routing_key' (first used on line 5)")]
    [TestCase("condition field", "version: 1\n" + Route + "rules:\n  - name: t\n    when: { subject: { contains: a }, !!str subject: { contains: b } }\n    route: oncall\n", 8, 39, "t", "duplicate key 'subject' (first used on line 8)")]
    [TestCase("operator", "version: 1\n" + Route + "rules:\n  - name: t\n    when: { subject: { contains: a, !!str contains: b } }\n    route: oncall\n", 8, 37, "t", "duplicate key 'contains' (first used on line 8)")]
    [TestCase("extract name", "version: 1\n" + Route + "rules:\n  - name: t\n    extract: { id: { subject: a }, !!str id: { body: b } }\n    route: oncall\n", 8, 36, "t", "duplicate extract name 'id' (first used on line 8)")]
    [TestCase("trust", "version: 1\n" + Route + "trust:\n  trusted: { authenticated: { dkim: amazon.com } }\n  !!str trusted: { authenticated: { dkim: example.com } }\nrules: []\n", 8, 3, null, "duplicate key 'trusted' (first used on line 7)")]
    [TestCase("account", "version: 1\n" + Route + "accounts:\n  a@example.com: { id: \"123456789012\" }\n  !!str a@example.com: { id: \"210987654321\" }\nrules: []\n", 8, 3, null, "account 'a@example.com' is listed twice")]
    public void TryParse_KeyRepeatedWithATag_IsADuplicateAtTheSecond(string mapping, string yaml, int line, int column, string? rule, string message)
    {
        var errors = TestRules.Errors(yaml);

        Assert.That(errors.Select(e => (e.Line, e.Column, e.Rule, e.Message)), Is.EqualTo(new[] { (line, column, rule, message) }), mapping);
    }

    [Test]
    public void TryParse_ErrorsOfEveryReader_KeepTheirOrderAndPositions()
    {
        var errors = TestRules.Errors(EveryKindOfError);

        // Cut at "(expected one of:": the field list grows with the fields.
        Assert.That(errors.Select(e => $"{e.Line}:{e.Column} {e.Rule}: {e.Message.Split(" (expected one of:")[0]}"), Is.EqualTo(new[]
        {
            "10:24 : account 'b@example.com': id '12345' is not a 12-digit AWS account id",
            "10:18 : account 'b@example.com' needs 'id' (its 12-digit AWS account id)",
            "11:18 : account 'c@example.com' needs 'id' (its 12-digit AWS account id)",
            "12:3 : account 'A@example.com' is listed twice",
            "21:38 : trust.untrusted: 'max_per_client_network_per_hour' must be a whole number ≥ 0, found 'x'",
            "33:24 r1: unknown authentication check 'dmarc'",
            "46:5 r2: 'summary' has no effect on a drop rule",
            "48:5 r2: 'trust' has no effect on a drop rule",
            "47:5 r2: a drop rule cannot continue: it stops evaluation",
            "55:21 r3: field 'header' needs 'name' (the header's name, e.g. name: X-Mailer)",
            "55:47 r3: field 'subject' has no operator",
            "55:67 r3: invalid regex '(': InsufficientClosingParentheses at offset 1",
            "54:16 r3: extract name 'bad name' must use only letters, digits and '_'",
            "54:48 r3: extract 'ok' needs a field and a regex, e.g. { subject: \"ID (?<v>\\d+)\" }",
            "54:67 r3: an extract from 'header' needs both 'name' and 'regex'",
            "54:90 r3: unknown field 'nofield'",
            "51:15 r3: 'continue' must be true or false, found 'maybe'",
            "52:12 r3: 'trust' must be required or optional, found 'sometimes'",
            "53:19 r3: 'reply_within' must be a duration such as 24h, 2d or 90m, found 'soon'",
            "50:12 r3: undefined route 'nowhere' (defined routes: oncall, other)",
            "58:5 r5: a rule needs either 'route: <name>' or 'action: drop'",
            "63:30 r6: unknown authentication check 'nope'",
            "63:45 r6: 'authenticated.dkim' needs domains, not blanks",
            "66:18 r7: 'any' must list at least one condition",
            "66:27 r7: 'all' must be a list, found a single value",
            "66:35 r7: 'not' is empty (omit 'when' to match every message)",
        }));
    }

    private const string EveryKindOfError = """
        version: 1
        routes:
          oncall:
            pagerduty:
              routing_key: abc
              severity: warning
          other: { pagerduty: { routing_key: def } }
        accounts:
          a@example.com: { id: "123456789012", name: prod, owner: me }
          b@example.com: { id: "12345", name: x }
          c@example.com: { name: y }
          A@example.com : { id: "123456789012" }
        trust:
          trusted: { authenticated: { arc_sealed_by: google.com, dkim: [amazon.com] } }
          untrusted:
            action: route
            route: other
            severity: info
            summary_prefix: "[u] "
            max_per_sender_per_hour: 3
            max_per_client_network_per_hour: x
            max_per_hour: 7
        rules:
          - name: r1
            description: hello
            when:
              subject: { contains: [a, b], regex: "x(?<v>\\d+)" }
              header: { name: X-Foo, equals: y }
              any:
                - sender: { domain: "@amazon.com" }
                - not: { to: { ends_with: z } }
              all: [ { from: { starts_with: q } } ]
              authenticated: { dmarc: amazon.com }
            extract:
              id: { subject: "ID (?<v>\\d+)", header: { name: X-Id, regex: "(\\d+)" } }
              account_id: { body: "AWS ID (\\d{12})" }
            summary: "{id} {account_id|message_id}"
            dedup_key: "k-{id}"
            severity: error
            route: oncall
            continue: true
            trust: required
            reply_within: 24h
          - name: r2
            action: drop
            summary: x
            continue: true
            trust: optional
          - name: r3
            route: nowhere
            continue: maybe
            trust: sometimes
            reply_within: soon
            extract: { "bad name": { subject: x }, ok: {}, ok2: { header: { regex: x } }, ok3: { nofield: x } }
            when: { header: { contains: x }, subject: {}, body: { regex: ["(", "a"] } }
          - name: ''
            action: drop
          - name: r5
            action: route
          - name: r6
            action: route
            route: oncall
            when: { authenticated: { nope: x, dkim: "" } }
          - name: r7
            route: oncall
            when: { any: [], all: x, not: {} }
        """;
}
