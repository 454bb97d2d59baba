using System.Reflection;

namespace MailGate.Observability;

/// <summary>The program's version, as <c>mailgate version</c> prints it and the metrics' resource names it.</summary>
internal static class ProgramVersion
{
    /// <summary>The informational version (with the commit, when the build knows it); <c>unknown</c> when the assembly has none.</summary>
    public static string Current =>
        typeof(ProgramVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
