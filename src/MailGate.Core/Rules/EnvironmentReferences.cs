using System.Text;

namespace MailGate.Core.Rules;

/// <summary>Expands <c>${NAME}</c> references, e.g. in routing keys, from an injected lookup.</summary>
internal static class EnvironmentReferences
{
    /// <summary>
    /// Expands every reference in <paramref name="text"/>. Returns null when one is malformed
    /// (<paramref name="error"/> says why) or names an unset or empty variable
    /// (<paramref name="missing"/> names it). Never puts a value into <paramref name="error"/>.
    /// </summary>
    public static string? Expand(string text, Func<string, string?> lookup, out string? missing, out string? error)
    {
        missing = null;
        error = null;
        var result = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var start = text.IndexOf("${", i, StringComparison.Ordinal);
            if (start < 0)
            {
                result.Append(text, i, text.Length - i);
                break;
            }

            result.Append(text, i, start - i);
            var end = text.IndexOf('}', start + 2);
            if (end < 0)
            {
                error = "unclosed '${' in an environment variable reference";
                return null;
            }

            var name = text[(start + 2)..end].Trim();
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                error = "invalid environment variable name in a '${...}' reference (use letters, digits and '_')";
                return null;
            }

            var value = lookup(name);
            if (string.IsNullOrEmpty(value))
            {
                missing = name;
                return null;
            }

            result.Append(value);
            i = end + 1;
        }

        return result.ToString();
    }
}
