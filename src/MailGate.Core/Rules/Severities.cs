namespace MailGate.Core.Rules;

/// <summary>The PagerDuty event severities a route or rule may name.</summary>
public static class Severities
{
    public const string Critical = "critical";
    public const string Error = "error";
    public const string Warning = "warning";
    public const string Info = "info";

    /// <summary>Every accepted value, for messages.</summary>
    public static IReadOnlyList<string> All { get; } = [Critical, Error, Warning, Info];

    /// <summary>Returns the canonical (lowercase) severity, or null when <paramref name="value"/> is not one.</summary>
    public static string? Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var severity in All)
        {
            if (string.Equals(severity, value.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return severity;
            }
        }

        return null;
    }
}
