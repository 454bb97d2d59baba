using MailGate.Core.Rules;
using MailGate.Hosting;
using MailGate.Rules;
using Microsoft.Extensions.Configuration;

namespace MailGate.Cli;

/// <summary>Which rules file a <c>rules</c> command reads: <c>--rules</c>, else <c>Rules:Path</c>, else <c>rules/rules.yaml</c>.</summary>
internal static class RulesFileArgument
{
    public static string Resolve(FileInfo? given, IEnumerable<string> configurationArgs)
    {
        if (given is not null)
        {
            return given.FullName;
        }

        var configured = MailGateConfiguration.Build([.. configurationArgs]).GetSection(RulesOptions.Section).Get<RulesOptions>()?.Path;
        return configured ?? RulesOptions.DefaultPath;
    }
}
