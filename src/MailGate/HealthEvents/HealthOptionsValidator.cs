using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace MailGate.HealthEvents;

/// <summary>Checks <see cref="HealthOptions"/> at start-up (only when enabled); each failure names its key and its value.</summary>
internal sealed partial class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        Between(failures, "Health:PollInterval", options.PollInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Between(failures, "Health:Overlap", options.Overlap, TimeSpan.Zero, TimeSpan.FromDays(7));
        Between(failures, "Health:InitialLookback", options.InitialLookback, TimeSpan.FromMinutes(1), TimeSpan.FromDays(90));
        if (!RegionPattern().IsMatch(options.Region))
        {
            failures.Add($"Health:Region must be an AWS region such as us-east-1 (is '{options.Region}')");
        }

        if (EndpointProblem(options.Endpoint) is { } problem)
        {
            failures.Add($"Health:Endpoint {problem} (is '{options.Endpoint}')");
        }

        foreach (var (key, list) in new[] { ("Health:Services", options.Services), ("Health:EventTypeCodes", options.EventTypeCodes) })
        {
            foreach (var value in list.Where(value => !CodePattern().IsMatch(value)))
            {
                failures.Add($"{key}: '{value}' is not a Health code such as {(key == "Health:Services" ? "RISK" : "AWS_RISK_CREDENTIALS_EXPOSED")} (upper-case letters, digits, underscores)");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Null when <paramref name="endpoint"/> is an absolute https URL without user info, query or fragment (http only to a loopback host, for tests); else why not.</summary>
    public static string? EndpointProblem(Uri? endpoint) =>
        endpoint is null || !endpoint.IsAbsoluteUri ? "must be an absolute URL such as https://health.us-east-1.amazonaws.com/"
        : endpoint.Scheme != Uri.UriSchemeHttps && !(endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback) ? "must be https (http only to a loopback address)"
        : endpoint.UserInfo.Length > 0 || endpoint.Query.Length > 0 || endpoint.Fragment.Length > 0 ? "must have no user info, query or fragment"
        : null;

    private static void Between(List<string> failures, string key, TimeSpan value, TimeSpan minimum, TimeSpan maximum)
    {
        if (value < minimum || value > maximum)
        {
            failures.Add($"{key} must be between {minimum} and {maximum} (is {value})");
        }
    }

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[A-Z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();
}
