using System.CommandLine;
using MailGate.Observability;

namespace MailGate.Cli;

/// <summary><c>mailgate version</c>: prints the program's version.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var version = new Command("version", "Print MailGate's version.");
        version.SetAction(result =>
        {
            result.InvocationConfiguration.Output.WriteLine($"MailGate {ProgramVersion.Current}");
            return ExitCodes.Ok;
        });
        return version;
    }
}
