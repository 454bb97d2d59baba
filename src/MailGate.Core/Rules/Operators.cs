namespace MailGate.Core.Rules;

/// <summary>Maps rule-file operator names to <see cref="OperatorKind"/> and back.</summary>
internal static class Operators
{
    public const string Names = "equals, contains, starts_with, ends_with, domain, regex";

    public static OperatorKind? Parse(string name) => name switch
    {
        "equals" => OperatorKind.Equal,
        "contains" => OperatorKind.Contains,
        "starts_with" => OperatorKind.StartsWith,
        "ends_with" => OperatorKind.EndsWith,
        "domain" => OperatorKind.Domain,
        "regex" => OperatorKind.Regex,
        _ => null,
    };

    /// <summary>The verb for traces, e.g. "ends with", and its negation.</summary>
    public static (string Holds, string Fails) Verbs(OperatorKind kind) => kind switch
    {
        OperatorKind.Equal => ("equals", "does not equal"),
        OperatorKind.Contains => ("contains", "does not contain"),
        OperatorKind.StartsWith => ("starts with", "does not start with"),
        OperatorKind.EndsWith => ("ends with", "does not end with"),
        OperatorKind.Domain => ("is in domain", "is not in domain"),
        OperatorKind.Regex => ("matches regex", "does not match regex"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
