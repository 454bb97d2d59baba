using MailGate.Core.Rules;

namespace MailGate.Rules;

/// <summary>The rules file (configuration section <c>Rules</c>).</summary>
public sealed class RulesOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Rules";

    /// <summary>The default rules file, relative to the working directory.</summary>
    public const string DefaultPath = "rules/rules.yaml";

    /// <summary>
    /// The rules file. When unset, <c>rules/rules.yaml</c> in the working directory is used, or the copy
    /// of the shipped file embedded in the program when there is none; with the default file a route
    /// whose <c>${VARIABLE}</c> is not set runs in dry-run. A file named here must be complete: a
    /// missing variable stops start-up.
    /// </summary>
    /// <value>Unset.</value>
    public string? Path { get; set; }

    /// <summary>
    /// How often the file is checked for changes besides the file-system watcher's notices. A changed
    /// file is validated and swapped in for the next message; an invalid one, or a file that still
    /// cannot be read at a check <see cref="RulesProvider.UnreadableGrace"/> or more after the first that
    /// found it so, is a failed reload (logged once at Error, <c>/readyz</c> and metrics show it) and
    /// the last good rules stay in force.
    /// </summary>
    /// <value>5 seconds.</value>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(5);
}
