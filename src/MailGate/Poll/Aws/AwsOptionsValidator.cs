using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace MailGate.Poll.Aws;

/// <summary>
/// Checks <see cref="AwsOptions"/>; each failure names its configuration key. Not registered by
/// <see cref="AwsServiceCollectionExtensions.AddAwsClients"/> with ValidateOnStart, because the AWS
/// feature is off by default: run it when the feature is enabled.
/// </summary>
internal sealed partial class AwsOptionsValidator : IValidateOptions<AwsOptions>
{
    public ValidateOptionsResult Validate(string? name, AwsOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Region) || !RegionName().IsMatch(options.Region))
        {
            failures.Add($"Aws:Region must be an AWS region name such as us-east-1 (is '{options.Region}')");
        }

        if (options.StsEndpoint is { } sts)
        {
            HttpUrl(failures, "Aws:StsEndpoint", sts);
        }

        HttpUrl(failures, "Aws:OrganizationsEndpoint", options.OrganizationsEndpoint);
        HttpUrl(failures, "Aws:SupportEndpoint", options.SupportEndpoint);

        if (string.IsNullOrWhiteSpace(options.RoleArnPattern)
            || !options.RoleArnPattern.StartsWith("arn:", StringComparison.Ordinal)
            || !options.RoleArnPattern.Contains(AwsOptions.AccountIdPlaceholder, StringComparison.Ordinal))
        {
            failures.Add($"Aws:RoleArnPattern must be a role ARN containing {AwsOptions.AccountIdPlaceholder}, such as arn:aws:iam::{AwsOptions.AccountIdPlaceholder}:role/MailGateSupportReader (is '{options.RoleArnPattern}')");
        }

        if (options.ExternalId is { } externalId && (externalId.Length is < 2 or > 1224 || !ExternalIdText().IsMatch(externalId)))
        {
            failures.Add("Aws:ExternalId must be 2 to 1224 characters of letters, digits and +=,.@:/- (or be left out)");
        }

        if (options.RoleSessionName is null || !SessionName().IsMatch(options.RoleSessionName))
        {
            failures.Add($"Aws:RoleSessionName must be 2 to 64 characters of letters, digits and +=,.@_- (is '{options.RoleSessionName}')");
        }

        if (options.RoleDuration < TimeSpan.FromMinutes(15) || options.RoleDuration > TimeSpan.FromHours(12))
        {
            failures.Add($"Aws:RoleDuration must be between 00:15:00 and 12:00:00 (is {options.RoleDuration})");
        }

        if (options.CredentialRefreshMargin < TimeSpan.Zero || options.CredentialRefreshMargin >= options.RoleDuration)
        {
            failures.Add($"Aws:CredentialRefreshMargin must be zero or more and shorter than Aws:RoleDuration (is {options.CredentialRefreshMargin})");
        }

        Positive(failures, "Aws:RequestTimeout", options.RequestTimeout);
        Positive(failures, "Aws:RetryBaseDelay", options.RetryBaseDelay);
        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add($"Aws:RetryMaxDelay must not be less than Aws:RetryBaseDelay (is {options.RetryMaxDelay})");
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            failures.Add($"Aws:MaxAttempts must be between 1 and 20 (is {options.MaxAttempts})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void HttpUrl(List<string> failures, string key, Uri? url)
    {
        if (url is null || !url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
        {
            failures.Add($"{key} must be an absolute http(s) URL (is '{url}')");
        }
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{key} must be a positive duration such as 00:00:30 (is {value})");
        }
    }

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex RegionName();

    [GeneratedRegex(@"^[\w+=,.@:/-]*$")]
    private static partial Regex ExternalIdText();

    [GeneratedRegex(@"^[\w+=,.@-]{2,64}$")]
    private static partial Regex SessionName();
}
