using MailGate.Core.Parse;
using MailGate.Core.Rules;
using BenchmarkDotNet.Attributes;

namespace MailGate.Benchmarks;

/// <summary><see cref="RuleEvaluator.Evaluate"/> with the shipped <c>rules/rules.yaml</c>.</summary>
[MemoryDiagnoser]
public class ShippedRulesBenchmarks
{
    private RuleSet _shipped = null!;
    private MessageFacts _report = null!;
    private MessageFacts _marketing = null!;

    [GlobalSetup]
    public void Setup()
    {
        _shipped = RulesLoader.Load(Fixtures.ShippedRulesPath, Fixtures.LoadOptions);
        _report = Fixtures.Facts("abuse-report-via-google-group.eml", Fixtures.AbuseRecipient, _shipped.Accounts);
        _marketing = Fixtures.Facts("marketplace-marketing.eml", Fixtures.AbuseRecipient, _shipped.Accounts);

        if (RuleEvaluator.Evaluate(_shipped, _report).Matches is not [{ Rule: "aws-abuse-report" }]
            || RuleEvaluator.Evaluate(_shipped, _marketing).DroppedBy != "everything-else")
        {
            throw new InvalidOperationException("the shipped rules no longer decide the fixtures as this benchmark expects");
        }
    }

    /// <summary>The abuse report matches the abuse rule, after the relay rule (trust required: checked, and unverified offline).</summary>
    [Benchmark]
    public Decision AbuseReport() => RuleEvaluator.Evaluate(_shipped, _report);

    /// <summary>Marketing mail to the abuse address falls through to the drop rule.</summary>
    [Benchmark]
    public Decision MarketingDropped() => RuleEvaluator.Evaluate(_shipped, _marketing);
}
