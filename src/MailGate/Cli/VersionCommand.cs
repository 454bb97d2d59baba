using System.CommandLine;
using System.Reflection;

namespace MailGate.Cli;

/// <summary><c>mailgate version</c>: prints the program's version.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var version = new Command("version", "Print MailGate's version.");
        version.SetAction(result =>
        {
            result.InvocationConfiguration.Output.WriteLine($"MailGate {Current}");
            return ExitCodes.Ok;
        });
        return version;
    }

    /// <summary>The informational version (with the commit, when the build knows it).</summary>
    public static string Current =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
