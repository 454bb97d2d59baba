using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace MailGate.Poll;

/// <summary>Checks <see cref="SupportCaseOptions"/> at start-up (only when enabled); each failure names its key.</summary>
internal sealed partial class SupportCaseOptionsValidator : IValidateOptions<SupportCaseOptions>
{
    public ValidateOptionsResult Validate(string? name, SupportCaseOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        AtLeast(failures, "SupportCases:PollInterval", options.PollInterval, TimeSpan.FromSeconds(1));
        AtLeast(failures, "SupportCases:AccountRefreshInterval", options.AccountRefreshInterval, TimeSpan.FromSeconds(1));
        AtLeast(failures, "SupportCases:InitialLookback", options.InitialLookback, TimeSpan.FromMinutes(1));
        if (options.Overlap < TimeSpan.Zero)
        {
            failures.Add($"SupportCases:Overlap must not be negative (is {options.Overlap})");
        }

        if (options.Jitter < TimeSpan.Zero || options.Jitter >= options.PollInterval)
        {
            failures.Add($"SupportCases:Jitter must be at least 0 and less than SupportCases:PollInterval (is {options.Jitter})");
        }

        if (options.MaxConcurrency is < 1 or > 64)
        {
            failures.Add($"SupportCases:MaxConcurrency must be between 1 and 64 (is {options.MaxConcurrency})");
        }

        foreach (var language in options.Languages)
        {
            if (!LanguagePattern().IsMatch(language))
            {
                failures.Add($"SupportCases:Languages: '{language}' is not a language code such as en or ja");
            }
        }

        foreach (var (key, list) in new[] { ("SupportCases:Accounts", options.Accounts), ("SupportCases:ExcludeAccounts", options.ExcludeAccounts) })
        {
            foreach (var account in list)
            {
                if (!AccountPattern().IsMatch(account))
                {
                    failures.Add($"{key}: '{account}' is not a 12-digit AWS account id");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AtLeast(List<string> failures, string key, TimeSpan value, TimeSpan minimum)
    {
        if (value < minimum)
        {
            failures.Add($"{key} must be at least {minimum} (is {value})");
        }
    }

    [GeneratedRegex("^[a-z]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguagePattern();

    [GeneratedRegex(@"^\d{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountPattern();
}
