using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Coverage;

/// <summary>The rules file's top-level <c>coverage:</c> section: what it reads, and every error with its position.</summary>
[TestFixture]
public sealed class CoverageSectionTests
{
    // TestRules.Head: lines 1-6 (version, routes, oncall, pagerduty, routing_key, rules); "rules: []" closes it on line 6.
    private static string File(string coverage) => TestRules.Head.TrimEnd('\n') + " []\n" + coverage;

    [TestCase("coverage: { route: oncall }\n", "oncall", "warning", TestName = "Load_RouteOnly_SeverityDefaultsToWarning")]
    [TestCase("coverage:\n  route: oncall\n  severity: critical\n", "oncall", "critical", TestName = "Load_RouteAndSeverity_BothKept")]
    [TestCase("coverage: { route: oncall, severity: INFO }\n", "oncall", "info", TestName = "Load_SeverityInCapitals_Normalised")]
    public void Load_ValidSection_IsRead(string coverage, string route, string severity)
    {
        var rules = TestRules.Parse(File(coverage));

        Assert.That(rules.Coverage, Is.EqualTo(new CoverageSection(route, severity)));
    }

    [Test]
    public void Load_NoSection_CoverageIsNull() =>
        Assert.That(TestRules.Parse(File("")).Coverage, Is.Null);

    [TestCase("coverage: { severity: warning }\n", 7, 11, "coverage: missing 'route' (the route coverage alerts page on)", TestName = "Load_NoRoute_Error")]
    [TestCase("coverage: { route: pager }\n", 7, 20, "coverage: undefined route 'pager'", TestName = "Load_UndefinedRoute_Error")]
    [TestCase("coverage: { route: oncall, severity: loud }\n", 7, 38, "coverage: invalid severity 'loud' (expected one of: critical, error, warning, info)", TestName = "Load_BadSeverity_Error")]
    [TestCase("coverage: { route: oncall, sevrity: info }\n", 7, 28, "coverage: unknown key 'sevrity' (expected one of: route, severity)", TestName = "Load_UnknownKey_Error")]
    [TestCase("coverage: oncall\n", 7, 11, "'coverage' must be a mapping", TestName = "Load_NotAMapping_Error")]
    [TestCase("coverage: { route: [oncall] }\n", 7, 20, "'coverage.route'", TestName = "Load_RouteNotAScalar_Error")]
    public void Load_BadSection_OneErrorAtItsPosition(string coverage, int line, int column, string message)
    {
        var errors = TestRules.Errors(File(coverage));

        Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors));
        Assert.That((errors[0].Line, errors[0].Column), Is.EqualTo((line, column)), errors[0].ToString());
        Assert.That(errors[0].Message, Does.StartWith(message));
    }
}
