using System.Globalization;
using System.Text;

namespace MailGate.Benchmarks;

/// <summary>
/// Rules files of a given size, written as people write them: field tests with contains, ends_with,
/// starts_with, equals, domain and regex on sender, subject, body, recipient, list_id and headers,
/// nested in any/all/not. For the AWS abuse report none holds except the last rule, a copy of the
/// shipped abuse rule (trust required, summary template), so every rule is evaluated.
/// </summary>
internal static class GeneratedRules
{
    /// <summary>The name of the last rule, the only one the abuse report matches.</summary>
    public const string LastRule = "aws-abuse-report";

    private const string Head = """
        version: 1

        routes:
          security-oncall:
            pagerduty:
              routing_key: ${PAGERDUTY_ROUTING_KEY}
              severity: critical
          platform-oncall:
            pagerduty:
              routing_key: ${PAGERDUTY_ROUTING_KEY}
              severity: error

        trust:
          trusted:
            authenticated:
              arc_sealed_by: google.com
              original_dmarc: [amazon.com, amazonaws.com, aws.com]

        accounts:
          aws-root-123456789012@example.com: { id: "123456789012", name: prod-payments, owner: payments-team }
          aws-root-210987654321.example.com: { id: "210987654321", name: sandbox, owner: platform-team }

        rules:

        """;

    private const string Last = """
          - name: aws-abuse-report
            when:
              recipient: { equals: "aws-abuse@mailgate.example.com" }
              sender: { domain: [amazon.com, aws.com, amazonaws.com] }
              subject: { contains: "Abuse Report" }
              body: { regex: 'AWS ID: [0-9]{12}' }
            trust: required
            summary: "AWS abuse report for account {account}: {subject}"
            route: security-oncall

        """;

    /// <summary>A rules file with <paramref name="count"/> rules, the last of which is <see cref="LastRule"/>.</summary>
    public static string Yaml(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var yaml = new StringBuilder(Head);
        for (var i = 0; i < count - 1; i++)
        {
            yaml.Append(Rule(i));
        }

        return yaml.Append(Last).ToString();
    }

    /// <summary>Rule <paramref name="i"/>: one of six shapes, each with a different way of failing on the abuse report.</summary>
    private static string Rule(int i) => (i % 6) switch
    {
        // Fails on the first test: another recipient.
        0 => Format($$"""
              - name: team-{{i}}-alerts
                when:
                  recipient: { equals: "team-{{i}}@mailgate.example.com" }
                  sender: { domain: [amazonses.com, team{{i}}.example.com] }
                  subject: { contains: ["ALARM", "alarm {{i}}"] }
                route: platform-oncall

            """),

        // The sender holds (amazon.com); the subject does not.
        1 => Format($$"""
              - name: aws-case-{{i}}
                when:
                  sender: { domain: [amazon.com, aws.com] }
                  subject: { contains: ["[CASE {{i:D15}}]", "Case {{i:D15}}"] }
                severity: warning
                route: security-oncall

            """),

        // Either a regex on the subject or a search of the whole body.
        2 => Format($$"""
              - name: health-event-{{i}}
                when:
                  any:
                    - subject: { regex: '^\[AWS Health Event\] .* \(ref {{i}}\)$' }
                    - body: { contains: "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/{{i}}" }
                route: platform-oncall

            """),

        // A header test and a negated List-Id test, nested in all.
        3 => Format($$"""
              - name: group-{{i}}-forwarded
                when:
                  all:
                    - header: { name: X-Original-Sender, ends_with: "@team{{i}}.example.com" }
                    - not: { list_id: { equals: "aws-root-{{i:D12}}.example.com" } }
                route: platform-oncall

            """),

        // The body is searched first for two operands; the subject test is never reached.
        4 => Format($$"""
              - name: exposed-key-{{i}}
                when:
                  body: { contains: ["AKIA{{i:D16}}", "Access Key ID: ASIA{{i:D16}}"] }
                  subject: { starts_with: "[Action Required]" }
                severity: critical
                route: security-oncall

            """),

        // any of (all of account and subject) or a recipient suffix; the subject holds ("Abuse").
        _ => Format($$"""
              - name: account-{{i}}
                when:
                  any:
                    - all:
                        - subject: { contains: "Abuse" }
                        - account_id: { equals: "{{i:D12}}" }
                    - recipient: { ends_with: "@acct{{i}}.example.com" }
                    - header: { name: List-ID, contains: "aws-acct-{{i}}" }
                route: platform-oncall

            """),
    };

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
