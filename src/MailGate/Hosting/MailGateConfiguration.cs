using MailGate.Startup;
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

    /// <summary>
    /// Refuses a word among <paramref name="args"/> that is neither a setting (<c>--Section:Key=value</c>,
    /// <c>--Section:Key value</c>) nor the value of one: the command line's configuration source skips
    /// such words without a sound, so <c>mailgate stauts</c> (a mistyped command) started the gateway.
    /// </summary>
    /// <exception cref="StartupException">One line per stray word.</exception>
    public static void CheckArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var problems = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith('-') || arg.StartsWith('/'))
            {
                if (!arg.Contains('=', StringComparison.Ordinal))
                {
                    i++; // "--Section:Key value": the next word is its value
                }
            }
            else
            {
                problems.Add($"'{arg}' is neither a command (serve, rules, spool, health, version) nor a setting (--Section:Key=value)");
            }
        }

        if (problems.Count > 0)
        {
            throw new StartupException(problems);
        }
    }

    /// <summary>The configuration on its own, for commands that do not start the host, checked (<see cref="CheckArguments"/>, <see cref="Checked"/>).</summary>
    /// <exception cref="StartupException">A key MailGate does not read, or a value no option can hold (<see cref="ConfigurationSchema.Check"/>).</exception>
    public static IConfigurationRoot Build(string[] args)
    {
        CheckArguments(args);
        return Checked(new ConfigurationBuilder().AddMailGateSources(args).Build());
    }

    /// <summary>Returns <paramref name="configuration"/> once <see cref="ConfigurationSchema.Check"/> finds nothing wrong with it.</summary>
    /// <exception cref="StartupException">One line per problem: a misspelt key, a value for a list as a whole, a duration too long, a URL that is not one.</exception>
    public static T Checked<T>(T configuration)
        where T : IConfigurationRoot =>
        ConfigurationSchema.Check(configuration) is { Count: > 0 } problems ? throw new StartupException(problems) : configuration;
}
