namespace MailGate.Rules;

/// <summary>
/// Loads rules files. <see cref="Load"/> and <see cref="Parse"/> throw <see cref="RulesException"/>
/// listing every error (for startup); <see cref="TryParse"/> returns them (for reloads, which keep
/// the last good rule set).
/// </summary>
public static class RulesLoader
{
    /// <summary>Reads and parses the rules file at <paramref name="path"/>.</summary>
    /// <exception cref="RulesException">The file cannot be read (one error at 0:0) or is invalid.</exception>
    public static RuleSet Load(string path, RulesLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new RulesException([new RuleError(path, 0, 0, null, "cannot read the rules file: " + ex.Message)], ex);
        }

        return Parse(yaml, path, options);
    }

    /// <summary>The version a rule set loaded from <paramref name="yaml"/> has: the first 12 hex digits of its SHA-256.</summary>
    public static string VersionOf(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return RuleFileReader.VersionOf(yaml);
    }

    /// <summary>Parses rules-file text; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="RulesException">The text is invalid.</exception>
    public static RuleSet Parse(string yaml, string sourceName, RulesLoadOptions? options = null) =>
        TryParse(yaml, sourceName, options, out var rules, out var errors) ? rules! : throw new RulesException(errors);

    /// <summary>Parses rules-file text, returning every error instead of throwing.</summary>
    public static bool TryParse(string yaml, string sourceName, RulesLoadOptions? options, out RuleSet? rules, out IReadOnlyList<RuleError> errors)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        var context = new ParseContext(sourceName, options ?? new RulesLoadOptions());
        rules = RuleFileReader.Read(yaml, context);
        errors = context.Errors;
        return rules is not null;
    }
}
