using MailGate.Core.Rules;
using System.Text.RegularExpressions;
using MailGate.Rules;
using MailGate.Startup;
using Microsoft.Extensions.Options;

namespace MailGate.Hosting;

/// <summary>Turns start-up failures caused by configuration into one clear line each, without stack traces.</summary>
internal static partial class StartupErrors
{
    /// <summary>
    /// The lines to print for <paramref name="error"/>, or null when it is not a configuration problem:
    /// rules file errors (file:line:column), failed option validations, <see cref="StartupException"/>,
    /// values the configuration binder cannot convert, a library's validation of options built from
    /// settings, and any mix of these (several options invalid at once).
    /// </summary>
    public static IReadOnlyList<string>? Describe(Exception error) => error switch
    {
        RulesException rules => rules.Errors.Select(e => e.ToString()).ToArray(),
        OptionsValidationException options => options.Failures.ToArray(),
        StartupException startup => startup.Problems,
        // A library's own check of an option built from settings (Polly refuses a circuit breaker's pause
        // over a day): a configuration problem too, even if it names the library's field, not the key.
        System.ComponentModel.DataAnnotations.ValidationException validation => [string.Join(' ', validation.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
        InvalidOperationException { Message: var m } when ConversionFailure().Match(m) is { Success: true } match => [Conversion(match)],
        AggregateException aggregate => DescribeAll(aggregate.InnerExceptions),
        _ when error.InnerException is { } inner => Describe(inner),
        _ => null,
    };

    /// <summary>Every line when every one of <paramref name="errors"/> is a configuration problem; else null (one unexpected error makes it a failure).</summary>
    private static string[]? DescribeAll(IEnumerable<Exception> errors)
    {
        var lines = new List<string>();
        foreach (var error in errors)
        {
            if (Describe(error) is not { } described)
            {
                return null;
            }

            lines.AddRange(described);
        }

        return lines.Count > 0 ? [.. lines.Distinct(StringComparer.Ordinal)] : null;
    }

    /// <summary>The binder's "Failed to convert configuration value 'abc' at 'Smtp:Port' to type 'System.Int32'." as "Smtp:Port must be a whole number (is 'abc')".</summary>
    private static string Conversion(Match match)
    {
        var type = match.Groups["type"].Value;
        var expected = type switch
        {
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Double" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            "System.TimeSpan" => "a duration such as 00:05:00 (hh:mm:ss, or d.hh:mm:ss)",
            "System.Uri" => "a URL",
            _ => $"a {type}",
        };
        return $"{match.Groups["key"].Value} must be {expected} (is '{match.Groups["value"].Value}')";
    }

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ConversionFailure();
}
