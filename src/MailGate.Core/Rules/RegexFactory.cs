using System.Text.RegularExpressions;

namespace MailGate.Rules;

/// <summary>Compiles rule-file regexes one way everywhere and runs them without ever throwing.</summary>
internal static class RegexFactory
{
    public const RegexOptions Options =
        RegexOptions.NonBacktracking | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    /// <summary>How long one match may run before it counts as no match.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Compiles <paramref name="pattern"/>, or returns null and says why.</summary>
    public static Regex? TryCreate(string pattern, out string? error)
    {
        try
        {
            error = null;
            return new Regex(pattern, Options, MatchTimeout);
        }
        catch (RegexParseException ex)
        {
            error = $"invalid regex '{pattern}': {ex.Error} at offset {ex.Offset}";
        }
        catch (NotSupportedException ex)
        {
            error = $"regex '{pattern}' is not supported (no backreferences, lookarounds, atomic groups or conditionals): {ex.Message}";
        }
        catch (ArgumentException ex)
        {
            error = $"invalid regex '{pattern}': {ex.Message}";
        }

        return null;
    }

    public static bool IsMatch(Regex regex, ReadOnlySpan<char> value)
    {
        try
        {
            return regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    public static Match? Match(Regex regex, string value)
    {
        try
        {
            var match = regex.Match(value);
            return match.Success ? match : null;
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
