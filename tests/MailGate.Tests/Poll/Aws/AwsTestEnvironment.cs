using MailGate.Tests.Support;

namespace MailGate.Tests.Poll.Aws;

/// <summary>
/// Sets the AWS environment variables once for every test in this namespace (see
/// <see cref="FakeAwsEnvironment"/>): the SDK's real default chain finds the base credentials there,
/// never reads <c>~/.aws</c> and never asks the instance metadata service.
/// </summary>
[SetUpFixture]
public sealed class AwsTestEnvironment
{
    [OneTimeSetUp]
    public void Apply() => FakeAwsEnvironment.Apply();
}
