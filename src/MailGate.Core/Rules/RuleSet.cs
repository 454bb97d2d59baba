namespace MailGate.Core.Rules;

/// <summary>A loaded, validated rules file: routes and rules in order. Immutable; safe to share.</summary>
public sealed class RuleSet
{
    internal RuleSet(string source, string version, IReadOnlyDictionary<string, Route> routes, IReadOnlyList<Rule> rules, AccountMap? accounts = null, TrustPolicy? trust = null, CoverageSection? coverage = null)
    {
        Accounts = accounts ?? AccountMap.Empty;
        Trust = trust;
        Coverage = coverage;
        Source = source;
        Version = version;
        Routes = routes;
        Rules = rules;
    }

    /// <summary>The file name the rules were loaded from, as given to the loader.</summary>
    public string Source { get; }

    /// <summary>The first 12 hex digits of the SHA-256 of the file text: identifies the rules in logs and events.</summary>
    public string Version { get; }

    public IReadOnlyDictionary<string, Route> Routes { get; }

    public IReadOnlyList<Rule> Rules { get; }

    /// <summary>The <c>accounts:</c> map (empty when the file has none).</summary>
    public AccountMap Accounts { get; }

    /// <summary>The <c>trust:</c> policy, or null when the file has none.</summary>
    public TrustPolicy? Trust { get; }

    /// <summary>The <c>coverage:</c> section (where coverage alerts page), or null when the file has none.</summary>
    public CoverageSection? Coverage { get; }

    public override string ToString() => $"{Source} ({Version}, {Rules.Count} rules, {Routes.Count} routes)";
}
