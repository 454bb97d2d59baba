using System.CommandLine;

namespace MailGate.Cli;

/// <summary>
/// The command line: <c>mailgate [serve] [--Section:Key=value …]</c>, <c>mailgate rules check|test</c>,
/// <c>mailgate spool list|show|retry|purge</c>,
/// <c>mailgate health</c>, <c>mailgate version</c>. Tokens that are not commands or options are configuration overrides.
/// </summary>
public static class MailGateCommandLine
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("MailGate: an SMTP gateway that turns security mail into PagerDuty incidents.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((result, _) => ServeCommand.RunAsync([.. result.UnmatchedTokens]));
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(RulesCommand.Create());
        root.Subcommands.Add(SpoolCommand.Create());
        root.Subcommands.Add(HealthCommand.Create());
        root.Subcommands.Add(VersionCommand.Create());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; the host, not the parser, handles SIGTERM and Ctrl+C.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>As <see cref="RunAsync(string[])"/>, writing to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        // Before anything touches MimeKit (see MailGateHost.Build).
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        return Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, Output = output, Error = error });
    }
}
