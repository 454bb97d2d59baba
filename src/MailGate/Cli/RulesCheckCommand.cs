using MailGate.Core.Rules;
using System.CommandLine;
using MailGate.Rules;

namespace MailGate.Cli;

/// <summary>
/// <c>mailgate rules check [--rules PATH]</c>: validates a rules file before it goes live. Prints every
/// error at once (file:line:column and the rule), a line per rule, and warnings (rules never reached or
/// that can never match, unused routes, unset <c>${VARIABLES}</c>). Exit 0 when valid, 1 when not.
/// </summary>
internal static class RulesCheckCommand
{
    public static Command Create(Option<FileInfo?> rulesOption)
    {
        var check = new Command("check", "Validate a rules file: every error with file:line:column, a summary per rule, and warnings.")
        {
            rulesOption,
        };
        check.TreatUnmatchedTokensAsErrors = false;
        check.SetAction(result =>
        {
            var path = RulesFileArgument.Resolve(result.GetValue(rulesOption), result.UnmatchedTokens);
            return Run(path, result.InvocationConfiguration.Output);
        });
        return check;
    }

    public static int Run(string path, TextWriter output)
    {
        RuleSet rules;
        try
        {
            // Unset variables are warnings here: the file is checked, not the environment it will run in.
            rules = RulesLoader.Load(path, new RulesLoadOptions { AllowMissingRoutingKeys = true });
        }
        catch (RulesException e)
        {
            foreach (var error in e.Errors)
            {
                output.WriteLine(error);
            }

            output.WriteLine($"{path}: INVALID, {e.Errors.Count} error(s)");
            return ExitCodes.Failure;
        }

        output.WriteLine($"{path}: valid, version {rules.Version}, {rules.Rules.Count} rule(s), {rules.Routes.Count} route(s), {rules.Accounts.Count} account(s)");
        if (rules.Trust is { } trust)
        {
            var untrusted = trust.Untrusted;
            output.WriteLine($"  trusted when: {trust.Trusted.Describe()}");
            output.WriteLine($"  untrusted matches of 'trust: required' rules: {untrusted.Action.ToString().ToLowerInvariant()}" +
                (untrusted.Action == UntrustedAction.Drop ? "" : $"{(untrusted.Route is null ? "" : $" to {untrusted.Route}")} at {untrusted.Severity}, marked '{untrusted.SummaryPrefix.Trim()}', at most {untrusted.MaxPerSenderPerHour} per sender, {untrusted.MaxPerClientNetworkPerHour} per client network and {untrusted.MaxPerHour} in all per hour"));
        }

        if (rules.Coverage is { } coverage)
        {
            output.WriteLine($"  coverage alerts (never the rules): page {coverage.Route} ({coverage.Severity})");
        }
        var number = 0;
        foreach (var rule in rules.Rules)
        {
            number++;
            output.WriteLine($"  {number}. {rule.Name} (line {rule.Line}) {Action(rules, rule)}: {rule.When?.Describe() ?? "every message"}");
        }

        var warnings = RulesCheck.Warnings(rules);
        foreach (var warning in warnings)
        {
            var where = warning.Line > 0 ? $"{path}:{warning.Line}: " : $"{path}: ";
            var rule = warning.Rule is null ? "" : $"rule '{warning.Rule}': ";
            output.WriteLine($"warning: {where}{rule}{warning.Message}");
        }

        output.WriteLine(warnings.Count == 0 ? "OK" : $"OK with {warnings.Count} warning(s)");
        return ExitCodes.Ok;
    }

    private static string Action(RuleSet rules, Rule rule)
    {
        if (rule.Drop)
        {
            return "→ drop";
        }

        var severity = rule.Severity ?? rules.Routes[rule.RouteName!].PagerDuty.Severity;
        return $"→ page {rule.RouteName} ({severity}){(rule.RequiresTrust ? ", trusted senders only" : "")}{(rule.Continue ? ", then continue" : "")}";
    }
}
