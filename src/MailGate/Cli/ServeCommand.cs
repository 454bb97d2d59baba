using System.CommandLine;
using MailGate.Hosting;
using MailGate.Receive;
using MailGate.Rules;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Cli;

/// <summary><c>mailgate [serve] [--Section:Key=value …]</c>: runs the gateway until SIGTERM or Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var serve = new Command("serve", "Run the gateway (the default command).") { TreatUnmatchedTokensAsErrors = false };
        serve.SetAction((result, _) => RunAsync([.. result.UnmatchedTokens]));
        return serve;
    }

    /// <summary>Runs the host. Exit codes: 0 clean stop, 1 runtime failure, 2 bad configuration.</summary>
    public static async Task<int> RunAsync(string[] configurationArgs)
    {
        Serilog.Log.Logger = LoggingSetup.CreateBootstrapLogger();
        try
        {
            await using var app = MailGateHost.Build(configurationArgs);
            _ = app.Services.GetRequiredService<RulesProvider>();
            var smtp = app.Services.GetRequiredService<SmtpListenerEndpoint>();
            await app.RunAsync().ConfigureAwait(false);
            return smtp.IsListening ? ExitCodes.Ok : ExitCodes.Failure;
        }
        catch (Exception e) when (StartupErrors.Describe(e) is { } lines)
        {
            foreach (var line in lines)
            {
                Serilog.Log.Fatal("Configuration error: {Problem}", line);
            }

            return ExitCodes.BadConfiguration;
        }
        catch (Exception e)
        {
            Serilog.Log.Fatal(e, "MailGate stopped unexpectedly");
            return ExitCodes.Failure;
        }
        finally
        {
            await Serilog.Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }
}
