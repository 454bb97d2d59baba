namespace MailGate.Core.Rules;

/// <summary>A rules file could not be loaded; <see cref="Errors"/> lists every problem found.</summary>
public sealed class RulesException : Exception
{
    public RulesException()
        : this([])
    {
    }

    public RulesException(string message)
        : base(message)
    {
        Errors = [];
    }

    public RulesException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public RulesException(IReadOnlyList<RuleError> errors, Exception? innerException = null)
        : base(Format(errors), innerException)
    {
        Errors = errors;
    }

    /// <summary>Every error found, in file order as far as the loader could tell.</summary>
    public IReadOnlyList<RuleError> Errors { get; }

    private static string Format(IReadOnlyList<RuleError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 0 ? "The rules file is invalid." : string.Join('\n', errors);
    }
}
