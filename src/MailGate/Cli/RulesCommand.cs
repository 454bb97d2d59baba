using System.CommandLine;

namespace MailGate.Cli;

/// <summary><c>mailgate rules check|test</c>: work on a rules file without running the gateway.</summary>
internal static class RulesCommand
{
    public static Command Create()
    {
        var rulesOption = new Option<FileInfo?>("--rules") { Description = "The rules file (default: Rules:Path, else rules/rules.yaml)." };
        var rules = new Command("rules", "Check a rules file, or test an email against it.");
        rules.Subcommands.Add(RulesCheckCommand.Create(rulesOption));
        rules.Subcommands.Add(RulesTestCommand.Create(rulesOption));
        return rules;
    }
}
