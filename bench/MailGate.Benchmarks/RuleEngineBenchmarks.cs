using MailGate.Core.Parse;
using MailGate.Core.Rules;
using BenchmarkDotNet.Attributes;

namespace MailGate.Benchmarks;

/// <summary>
/// <see cref="RuleEvaluator.Evaluate"/> on an AWS abuse report (the facts parsed from
/// <c>abuse-report-via-google-group.eml</c>) against 1, 100 and 1,000 generated rules, where only the
/// last rule matches, and against the shipped rules file. Target: 1,000 rules in ≤ 1 ms per message.
/// </summary>
[MemoryDiagnoser]
public class RuleEngineBenchmarks
{
    private const string Report = "abuse-report-via-google-group.eml";

    private RuleSet _generated = null!;
    private MessageFacts _report = null!;
    private MessageFacts _reportToOtherAddress = null!;

    /// <summary>How many rules the generated file has.</summary>
    [Params(1, 100, 1000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _generated = RulesLoader.Parse(GeneratedRules.Yaml(Rules), "generated.yaml", Fixtures.LoadOptions);
        _report = Fixtures.Facts(Report, Fixtures.AbuseRecipient, _generated.Accounts);
        _reportToOtherAddress = _report with { Recipients = ["aws-incident9@mailgate.example.com"] };

        var decision = RuleEvaluator.Evaluate(_generated, _report);
        if (_generated.Rules.Count != Rules || decision.Matches is not [{ Rule: GeneratedRules.LastRule }])
        {
            throw new InvalidOperationException($"expected {Rules} rules and only the last to match; got {_generated.Rules.Count} rules, matches: {string.Join(", ", decision.Matches.Select(m => m.Rule))}");
        }

        if (RuleEvaluator.Evaluate(_generated, _reportToOtherAddress).Matches.Count != 0)
        {
            throw new InvalidOperationException("the report to another address should match no rule");
        }
    }

    /// <summary>Every rule is tried; the last one matches and builds the page (trust check, summary, dedup key).</summary>
    [Benchmark]
    public Decision LastRuleMatches() => RuleEvaluator.Evaluate(_generated, _report);

    /// <summary>Every rule is tried and none matches: the per-rule cost alone.</summary>
    [Benchmark]
    public Decision NoRuleMatches() => RuleEvaluator.Evaluate(_generated, _reportToOtherAddress);
}
