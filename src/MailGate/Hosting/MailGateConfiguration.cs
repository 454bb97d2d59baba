using Microsoft.Extensions.Configuration;

namespace MailGate.Hosting;

/// <summary>
/// Where the gateway's settings come from, later sources winning: <c>appsettings.json</c> beside the
/// program, <c>MAILGATE_</c> environment variables (<c>__</c> separates sections), then
/// <c>--Section:Key=value</c> arguments. Shared by the host and the CLI commands.
/// </summary>
public static class MailGateConfiguration
{
    /// <summary>The prefix of environment variables that configure the gateway.</summary>
    public const string EnvironmentPrefix = "MAILGATE_";

    /// <summary>Adds the gateway's sources to <paramref name="builder"/>.</summary>
    public static IConfigurationBuilder AddMailGateSources(this IConfigurationBuilder builder, string[] args) =>
        builder
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddCommandLine(args);

    /// <summary>The configuration on its own, for commands that do not start the host.</summary>
    public static IConfigurationRoot Build(string[] args) => new ConfigurationBuilder().AddMailGateSources(args).Build();
}
