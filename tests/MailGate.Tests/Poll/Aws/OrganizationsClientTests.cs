using MailGate.Poll.Aws;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;

namespace MailGate.Tests.Poll.Aws;

[TestFixture]
public sealed class OrganizationsClientTests : AwsTestBase
{
    [SetUp]
    public void AddAccounts()
    {
        Aws.Organizations.AddAccount(FakeAws.ManagementAccountId, "management", "aws-management@example.com");
        Aws.Organizations.AddAccount("111111111111", "prod", "aws-prod@example.com");
        Aws.Organizations.AddAccount("222222222222", "old", "aws-old@example.com", "SUSPENDED");
        Aws.Organizations.AddAccount("333333333333", "closing", "aws-closing@example.com", "PENDING_CLOSURE");
        Aws.Organizations.AddAccount("444444444444", "staging", "aws-staging@example.com");
    }

    private OrganizationsClient CreateSut(IReadOnlyDictionary<string, string?>? settings = null) =>
        Resolve<OrganizationsClient>(settings);

    [Test]
    public async Task ListActiveAccountsAsync_SeveralPages_FollowsNextTokenAndKeepsOnlyActive()
    {
        var sut = CreateSut();

        var accounts = await Time.RunAsync(sut.ListActiveAccountsAsync(CancellationToken.None));

        var requests = Aws.RequestsOf("ListAccounts");
        Assert.Multiple(() =>
        {
            Assert.That(accounts.Select(a => a.Id), Is.EqualTo(new[] { FakeAws.ManagementAccountId, "111111111111", "444444444444" }));
            Assert.That(accounts[1], Is.EqualTo(new AwsAccount("111111111111", "prod", "aws-prod@example.com", "ACTIVE")));
            Assert.That(requests, Has.Count.EqualTo(3), "5 accounts at 2 a page");
            Assert.That(requests[0].NextToken, Is.Null);
            Assert.That(requests.Skip(1).Select(r => r.NextToken), Is.All.Not.Null);
            Assert.That(requests.Select(r => r.AccessKeyId), Is.All.EqualTo(FakeAwsCredentialSource.BaseAccessKeyId), "signed by the base credentials");
            Assert.That(requests.Select(r => r.Headers.ContainsKey("x-amz-security-token")), Is.All.False);
            Assert.That(requests[0].Headers["x-amz-target"], Is.EqualTo("AWSOrganizationsV20161128.ListAccounts"));
            Assert.That(requests[0].Headers["content-type"], Is.EqualTo("application/x-amz-json-1.1"));
            Assert.That(Aws.SignatureProblems, Is.Empty);
        });
    }

    [Test]
    public async Task ListActiveAccountsAsync_Throttled_RetriesWithBackoffThenSucceeds()
    {
        var sut = CreateSut();
        Aws.Throttle(2);

        var accounts = await Time.RunAsync(sut.ListActiveAccountsAsync(CancellationToken.None));

        var requests = Aws.RequestsOf("ListAccounts");
        Assert.Multiple(() =>
        {
            Assert.That(accounts, Has.Count.EqualTo(3));
            Assert.That(requests.Select(r => r.ErrorCode), Is.EqualTo(new[] { "TooManyRequestsException", "TooManyRequestsException", null, null, null }));
            Assert.That(requests.Select(r => r.Status), Is.EqualTo(new[] { 400, 400, 200, 200, 200 }));
            Assert.That(Time.Waits, Has.Count.EqualTo(2), "one backoff per retry, on the injected clock");
            Assert.That(Time.Waits.All(w => w > TimeSpan.Zero && w <= TimeSpan.FromSeconds(30)), Is.True, string.Join(", ", Time.Waits));
        });
    }

    [Test]
    public void ListActiveAccountsAsync_ServerErrorsOutlastAttempts_ThrowsAwsException()
    {
        var sut = CreateSut(new Dictionary<string, string?> { ["Aws:MaxAttempts"] = "3" });
        Aws.FailWithServerError(10);

        var e = Assert.ThrowsAsync<AwsException>(() => Time.RunAsync(sut.ListActiveAccountsAsync(CancellationToken.None)));

        Assert.Multiple(() =>
        {
            Assert.That(e!.Operation, Is.EqualTo(AwsOperation.ListAccounts));
            Assert.That(e.AccountId, Is.Null);
            Assert.That(e.ErrorCode, Is.EqualTo("ServiceException"));
            Assert.That(e.StatusCode, Is.EqualTo(500));
            Assert.That(e.Attempts, Is.EqualTo(3));
            Assert.That(e.IsThrottling, Is.False);
            Assert.That(e.Message, Does.StartWith("AWS Organizations ListAccounts with the base credentials failed after 3 attempts: ServiceException (HTTP 500)"));
            Assert.That(Aws.RequestsOf("ListAccounts"), Has.Count.EqualTo(3));
        });
    }
}
