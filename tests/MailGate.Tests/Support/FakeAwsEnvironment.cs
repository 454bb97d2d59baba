namespace MailGate.Tests.Support;

/// <summary>
/// The process-wide AWS environment of the tests: the SDK's default credential chain finds
/// <see cref="AccessKeyId"/>/<see cref="SecretAccessKey"/> in the environment (so the real chain is
/// exercised), never reads <c>~/.aws</c> (its files point into an empty temporary folder) and never
/// asks the instance metadata service. Always the same values, so applying it twice is harmless.
/// </summary>
public static class FakeAwsEnvironment
{
    /// <summary>The base (management-account) access key id the tests' default chain resolves to.</summary>
    public const string AccessKeyId = "AKIAMAILGATETEST0001";

    /// <summary>Its secret.</summary>
    public const string SecretAccessKey = "mailgate/Test/Secret/Key/0000000000000000";

    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "mailgate-tests-aws-home");

    /// <summary>Sets the variables (idempotent).</summary>
    public static void Apply()
    {
        Directory.CreateDirectory(Folder);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SecretAccessKey);
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(Folder, "credentials"));
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(Folder, "config"));
        foreach (var name in new[]
                 {
                     "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                     "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                     "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS",
                 })
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
