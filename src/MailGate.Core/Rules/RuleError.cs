using System.Globalization;

namespace MailGate.Core.Rules;

/// <summary>
/// One problem in a rules file, with the position the user has to look at. Lines and columns are
/// 1-based; 0:0 means the file as a whole (e.g. it could not be read).
/// </summary>
/// <param name="File">The file name as given to the loader.</param>
/// <param name="Line">1-based line, or 0 when the error concerns the whole file.</param>
/// <param name="Column">1-based column, or 0 when the error concerns the whole file.</param>
/// <param name="Rule">The rule the error is in, when it is inside one.</param>
/// <param name="Message">What is wrong, never containing a routing key's value.</param>
public sealed record RuleError(string File, int Line, int Column, string? Rule, string Message)
{
    /// <summary>Formats as <c>rules.yaml:12:7: rule 'name': message</c>.</summary>
    public override string ToString() =>
        Rule is null
            ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}: {Message}")
            : string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}: rule '{Rule}': {Message}");
}
