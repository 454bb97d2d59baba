using Amazon.Runtime;
using MailGate.Poll.Aws;
using MailGate.Tests.Support.Aws;

namespace MailGate.Tests.Poll.Aws;

/// <summary>The base credentials as the clients get them from an <see cref="IAwsCredentialSource"/>.</summary>
[TestFixture]
public sealed class BaseCredentialsTests
{
    [Test]
    public async Task GetAsync_LongTermKeys_AreUsedWithoutAToken()
    {
        var sut = new BaseCredentials(FakeAwsCredentialSource.Base);

        var credentials = await sut.GetAsync(AwsOperation.ListAccounts, null, CancellationToken.None);

        Assert.That(credentials, Is.EqualTo(new AwsCredentials(FakeAwsCredentialSource.BaseAccessKeyId, FakeAwsCredentialSource.BaseSecretAccessKey)));
    }

    [Test]
    public async Task GetAsync_TemporaryCredentials_CarryTheirSessionToken()
    {
        var sut = new BaseCredentials(new Fixed(new SessionAWSCredentials("ASIAEXAMPLE000000001", "secret", "session-token")));

        var credentials = await sut.GetAsync(AwsOperation.ListAccounts, null, CancellationToken.None);

        Assert.That(credentials, Is.EqualTo(new AwsCredentials("ASIAEXAMPLE000000001", "secret", "session-token")));
    }

    [TestCase(AwsOperation.ListAccounts, null)]
    [TestCase(AwsOperation.AssumeRole, "111111111111")]
    public void GetAsync_NoneFound_IsNoCredentialsForTheCallThatNeededThem(AwsOperation operation, string? accountId)
    {
        var sut = new BaseCredentials(FakeAwsCredentialSource.None);

        var error = Assert.ThrowsAsync<AwsException>(() => sut.GetAsync(operation, accountId, CancellationToken.None))!;

        Assert.Multiple(() =>
        {
            Assert.That((error.Operation, error.AccountId, error.ErrorCode, error.StatusCode), Is.EqualTo((operation, accountId, "NoCredentials", (int?)null)));
            Assert.That(error.InnerException, Is.InstanceOf<AmazonClientException>());
        });
    }

    private sealed class Fixed(AWSCredentials credentials) : IAwsCredentialSource
    {
        public ValueTask<AWSCredentials> ResolveAsync(CancellationToken cancellationToken) => ValueTask.FromResult(credentials);
    }
}
