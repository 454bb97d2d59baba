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
}
