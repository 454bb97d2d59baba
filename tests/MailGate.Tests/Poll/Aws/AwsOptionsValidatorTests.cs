using MailGate.Poll.Aws;

namespace MailGate.Tests.Poll.Aws;

[TestFixture]
public sealed class AwsOptionsValidatorTests
{
    private static AwsOptionsValidator CreateSut() => new();

    [Test]
    public void Validate_Defaults_Succeeds() =>
        Assert.That(CreateSut().Validate(null, new AwsOptions()).Succeeded, Is.True);

    [Test]
    public void Validate_BadValues_NamesEachKey()
    {
        var options = new AwsOptions
        {
            Region = "US East",
            SupportEndpoint = new Uri("ftp://support.example.com/"),
            RoleArnPattern = "arn:aws:iam::123456789012:role/Fixed",
            ExternalId = "x",
            RoleSessionName = "mail gate",
            RoleDuration = TimeSpan.FromMinutes(10),
            CredentialRefreshMargin = TimeSpan.FromHours(1),
            RequestTimeout = TimeSpan.Zero,
            MaxAttempts = 0,
            RetryBaseDelay = TimeSpan.FromSeconds(10),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
        };

        var result = CreateSut().Validate(null, options);

        Assert.That(result.Failures, Is.EquivalentTo(new[]
        {
            "Aws:Region must be an AWS region name such as us-east-1 (is 'US East')",
            "Aws:SupportEndpoint must be an absolute http(s) URL (is 'ftp://support.example.com/')",
            "Aws:RoleArnPattern must be a role ARN containing {account_id}, such as arn:aws:iam::{account_id}:role/MailGateSupportReader (is 'arn:aws:iam::123456789012:role/Fixed')",
            "Aws:ExternalId must be 2 to 1224 characters of letters, digits and +=,.@:/- (or be left out)",
            "Aws:RoleSessionName must be 2 to 64 characters of letters, digits and +=,.@_- (is 'mail gate')",
            "Aws:RoleDuration must be between 00:15:00 and 12:00:00 (is 00:10:00)",
            "Aws:CredentialRefreshMargin must be zero or more and shorter than Aws:RoleDuration (is 01:00:00)",
            "Aws:RequestTimeout must be a positive duration such as 00:00:30 (is 00:00:00)",
            "Aws:RetryMaxDelay must not be less than Aws:RetryBaseDelay (is 00:00:01)",
            "Aws:MaxAttempts must be between 1 and 20 (is 0)",
        }));
    }
}
