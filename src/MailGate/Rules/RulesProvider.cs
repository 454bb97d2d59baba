using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Rules;

/// <summary>Loads the rules file at start-up and holds the rule set in force.</summary>
public sealed class RulesProvider
{
    private readonly ILogger<RulesProvider> _logger;
    private readonly RuleSet _current;

    /// <summary>Loads the rules; throws <see cref="RulesException"/> listing every error with file:line:column.</summary>
    public RulesProvider(IOptions<RulesOptions> options, ILogger<RulesProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        _current = Load(options.Value.Path);
    }

    /// <summary>The rule set in force.</summary>
    public RuleSet Current => _current;

    private RuleSet Load(string? configuredPath)
    {
        RuleSet rules;
        if (configuredPath is not null)
        {
            rules = RulesLoader.Load(configuredPath);
        }
        else if (File.Exists(RulesOptions.DefaultPath))
        {
            rules = RulesLoader.Load(RulesOptions.DefaultPath, new RulesLoadOptions { AllowMissingRoutingKeys = true });
        }
        else
        {
            rules = RulesLoader.Parse(EmbeddedDefault(), "(embedded) rules/rules.yaml", new RulesLoadOptions { AllowMissingRoutingKeys = true });
        }

        Log.RulesLoaded(_logger, rules.Source, rules.Version, rules.Rules.Count, rules.Routes.Count);
        foreach (var route in rules.Routes.Values.Where(r => r.PagerDuty.IsDryRun))
        {
            Log.RouteDryRun(_logger, route.Name, route.PagerDuty.MissingVariable ?? "");
        }

        return rules;
    }

    private static string EmbeddedDefault()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("MailGate.rules.yaml")
            ?? throw new InvalidOperationException("the embedded default rules are missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
