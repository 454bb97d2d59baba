namespace MailGate.Poll.Aws;

/// <summary>
/// How MailGate reaches AWS (configuration section <c>Aws</c>): the regions and endpoints of STS,
/// Organizations and Support, the role it assumes in each member account, and its timeouts and retries.
/// </summary>
/// <remarks>
/// The base credentials are not configured here: they come from the AWS SDK's default chain
/// (environment variables, shared profile, container or instance role), resolved on first use. They
/// must belong to the Organization's management account (or a delegated administrator) and be allowed
/// to call <c>organizations:ListAccounts</c> and <c>sts:AssumeRole</c> on each member's role.
/// </remarks>
public sealed class AwsOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Aws";

    /// <summary>The placeholder in <see cref="RoleArnPattern"/> replaced by the member account's id.</summary>
    public const string AccountIdPlaceholder = "{account_id}";

    /// <summary>The region requests are signed for and STS is called in.</summary>
    /// <value><c>us-east-1</c>: Organizations and Support are only served there.</value>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The STS endpoint; <see langword="null"/> uses the SDK's regional endpoint for <see cref="Region"/>.</summary>
    /// <value><see langword="null"/>.</value>
    public Uri? StsEndpoint { get; set; }

    /// <summary>The AWS Organizations endpoint (JSON 1.1, signing name <c>organizations</c>).</summary>
    /// <value><c>https://organizations.us-east-1.amazonaws.com/</c>.</value>
    public Uri OrganizationsEndpoint { get; set; } = new("https://organizations.us-east-1.amazonaws.com/");

    /// <summary>The AWS Support endpoint (JSON 1.1, signing name <c>support</c>).</summary>
    /// <value><c>https://support.us-east-1.amazonaws.com/</c>.</value>
    public Uri SupportEndpoint { get; set; } = new("https://support.us-east-1.amazonaws.com/");

    /// <summary>The role assumed in each member account; <c>{account_id}</c> is replaced by its id.</summary>
    /// <value><c>arn:aws:iam::{account_id}:role/MailGateSupportReader</c>.</value>
    public string RoleArnPattern { get; set; } = "arn:aws:iam::" + AccountIdPlaceholder + ":role/MailGateSupportReader";

    /// <summary>The external id the member roles' trust policy requires, if any.</summary>
    /// <value><see langword="null"/>: none is sent.</value>
    public string? ExternalId { get; set; }

    /// <summary>The session name of the assumed roles, visible in the member accounts' CloudTrail.</summary>
    /// <value><c>mailgate</c>.</value>
    public string RoleSessionName { get; set; } = "mailgate";

    /// <summary>How long before their expiry assumed-role credentials are replaced by new ones.</summary>
    /// <value>5 minutes.</value>
    /// <remarks>Must be shorter than <see cref="RoleDuration"/>.</remarks>
    public TimeSpan CredentialRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long assumed-role credentials are asked to last (AssumeRole's <c>DurationSeconds</c>).</summary>
    /// <value>1 hour.</value>
    /// <remarks>
    /// Between 15 minutes and 12 hours, and no longer than the role's maximum session duration. When the
    /// base credentials are themselves a role's (role chaining), AWS allows at most 1 hour.
    /// </remarks>
    public TimeSpan RoleDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one HTTP request to AWS may take before it counts as failed and is retried.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times one call is tried in all (throttling, 429, 5xx, no answer) before it fails.</summary>
    /// <value>5.</value>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter.</summary>
    /// <value>500 milliseconds.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between two attempts.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The role ARN for <paramref name="accountId"/>.</summary>
    public string RoleArn(string accountId) =>
        RoleArnPattern.Replace(AccountIdPlaceholder, accountId, StringComparison.Ordinal);
}
