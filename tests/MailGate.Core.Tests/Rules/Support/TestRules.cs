
using MailGate.Core.Parse;
using MailGate.Core.Rules;

namespace MailGate.Core.Tests.Rules.Support;

/// <summary>Small rules files for tests.</summary>
internal static class TestRules
{
    public const string Source = "rules.yaml";
    public const string RoutingKey = "R0UT1NGKEY0123456789abcdef012345";

    /// <summary>The environment every test file's <c>${PD_KEY}</c> resolves in.</summary>
    public static RulesLoadOptions Options { get; } = new()
    {
        Environment = name => name == "PD_KEY" ? RoutingKey : null,
    };

    /// <summary>The head of a file with one route, <c>oncall</c>, up to and including <c>rules:</c>.</summary>
    public const string Head = """
        version: 1
        routes:
          oncall:
            pagerduty:
              routing_key: ${PD_KEY}
        rules:

        """;

    public static RuleSet Parse(string yaml) => RulesLoader.Parse(yaml, Source, Options);

    /// <summary>A file with one routing rule named <c>t</c> whose <c>when</c> is the flow mapping <paramref name="when"/>.</summary>
    public static RuleSet WithWhen(string when) => Parse(Head + $"""
          - name: t
            when: {when.ReplaceLineEndings("\n      ")}
            route: oncall

        """);

    /// <summary>Whether the single-rule file <see cref="WithWhen"/> routes <paramref name="facts"/>.</summary>
    public static bool Matches(string when, MessageFacts facts) =>
        !RuleEvaluator.Evaluate(WithWhen(when), facts).IsDropped;

    /// <summary>The errors of an invalid file; fails the test when it loads.</summary>
    public static IReadOnlyList<RuleError> Errors(string yaml, RulesLoadOptions? options = null)
    {
        var ok = RulesLoader.TryParse(yaml, Source, options ?? Options, out var rules, out var errors);
        Assert.That(ok, Is.False, "the file was expected to be invalid");
        Assert.That(rules, Is.Null);
        return errors;
    }

    /// <summary>The one match of evaluating <paramref name="rules"/>; fails the test unless there is exactly one.</summary>
    public static RuleMatch SingleMatch(RuleSet rules, MessageFacts facts)
    {
        var decision = RuleEvaluator.Evaluate(rules, facts);
        Assert.That(decision.Matches, Has.Count.EqualTo(1));
        return decision.Matches[0];
    }
}
