using System.CommandLine;
using MailGate.Hosting;
using MailGate.Receive;
using MailGate.Rules;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailGate.Cli;

/// <summary>
/// The command line: <c>mailgate [serve] [--Section:Key=value …]</c>. Tokens that are not commands or
/// options are configuration overrides. Exit codes: 0 clean stop, 1 runtime failure, 2 bad configuration.
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
        var serve = new Command("serve", "Run the gateway (the default).") { TreatUnmatchedTokensAsErrors = false };
        serve.SetAction((result, cancellationToken) => ServeAsync([.. result.UnmatchedTokens]));
        root.SetAction((result, cancellationToken) => ServeAsync([.. result.UnmatchedTokens]));
        root.Subcommands.Add(serve);
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; the host, not the parser, handles SIGTERM and Ctrl+C.</summary>
    public static Task<int> RunAsync(string[] args) =>
        Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

    private static async Task<int> ServeAsync(string[] configurationArgs)
    {
        Serilog.Log.Logger = LoggingSetup.CreateBootstrapLogger();
        try
        {
            await using var app = MailGateHost.Build(configurationArgs);
            _ = app.Services.GetRequiredService<RulesProvider>();
            var smtp = app.Services.GetRequiredService<SmtpListenerEndpoint>();
            await app.RunAsync().ConfigureAwait(false);
            return smtp.IsListening ? 0 : 1;
        }
        catch (Exception e) when (StartupErrors.Describe(e) is { } lines)
        {
            foreach (var line in lines)
            {
                Serilog.Log.Fatal("Configuration error: {Problem}", line);
            }

            return 2;
        }
        catch (Exception e)
        {
            Serilog.Log.Fatal(e, "MailGate stopped unexpectedly");
            return 1;
        }
        finally
        {
            await Serilog.Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }
}
