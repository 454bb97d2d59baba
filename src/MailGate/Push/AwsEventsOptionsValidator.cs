using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace MailGate.Push;

/// <summary>Checks <see cref="AwsEventsOptions"/> at start-up (only when enabled); each failure names its key.</summary>
internal sealed class AwsEventsOptionsValidator : IValidateOptions<AwsEventsOptions>
{
    public ValidateOptionsResult Validate(string? name, AwsEventsOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (options.ApiKey.Length == 0 && options.ApiKeyFile.Length == 0)
        {
            failures.Add("AwsEvents:ApiKey must be set (from the environment: MAILGATE_AwsEvents__ApiKey) or AwsEvents:ApiKeyFile name a file holding it when AwsEvents:Enabled is true");
        }
        else if (options.ApiKey.Length == 0 && AwsEventsKey.ReadFile(options.ApiKeyFile) is { Problem: { } problem })
        {
            failures.Add($"AwsEvents:ApiKeyFile: {problem}");
        }

        if (options.ApiKeyHeader.Length == 0 || options.ApiKeyHeader.Any(c => c <= ' ' || c >= 127 || c == ':'))
        {
            failures.Add($"AwsEvents:ApiKeyHeader must be an HTTP header name (is '{options.ApiKeyHeader}')");
        }

        try
        {
            _ = new Regex(options.SnsCertificateUrlPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            failures.Add($"AwsEvents:SnsCertificateUrlPattern is not a regular expression: {e.Message}");
        }

        foreach (var arn in options.SnsTopicArns.Where(arn => !arn.StartsWith("arn:aws", StringComparison.Ordinal) || arn.Split(':').Length != 6))
        {
            failures.Add($"AwsEvents:SnsTopicArns: '{arn}' is not a topic ARN such as arn:aws:sns:us-east-1:123456789012:health-events");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
