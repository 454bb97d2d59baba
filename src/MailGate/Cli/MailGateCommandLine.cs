using System.CommandLine;
using MailGate.Hosting;
using MailGate.Startup;

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
        root.Subcommands.Add(DbCommand.Create());
        root.Subcommands.Add(HealthCommand.Create());
        root.Subcommands.Add(CoverageCommand.Create());
        root.Subcommands.Add(VersionCommand.Create());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; the host, not the parser, handles SIGTERM and Ctrl+C.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>
    /// As <see cref="RunAsync(string[])"/>, writing to <paramref name="output"/> and <paramref name="error"/>.
    /// A configuration problem a command meets (<see cref="StartupException"/>: a misspelt key, a value no
    /// option can hold) is written as one line per problem, <c>Configuration error: …</c>, with exit code 2;
    /// a file or folder the command cannot use (<see cref="IOException"/>, <see cref="UnauthorizedAccessException"/>)
    /// as one line with exit code 1; anything else with its stack trace and exit code 1.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);

        // Before anything touches MimeKit (see MailGateHost.Build).
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        try
        {
            return await Create().Parse(args)
                .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, Output = output, Error = error, EnableDefaultExceptionHandler = false })
                .ConfigureAwait(false);
        }
        catch (StartupException e)
        {
            foreach (var problem in e.Problems)
            {
                await error.WriteLineAsync($"Configuration error: {Core.Parse.UntrustedText.Escape(problem)}").ConfigureAwait(false);
            }

            return ExitCodes.BadConfiguration;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"Error: {Core.Parse.UntrustedText.Escape(e.Message)}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await error.WriteLineAsync($"Unhandled exception: {e}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
