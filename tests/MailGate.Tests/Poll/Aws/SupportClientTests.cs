using MailGate.Poll.Aws;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;

namespace MailGate.Tests.Poll.Aws;

[TestFixture]
public sealed class SupportClientTests : AwsTestBase
{
    private const string Prod = "111111111111";
    private const string Staging = "444444444444";

    private SupportClient CreateSut(IReadOnlyDictionary<string, string?>? settings = null) =>
        Resolve<SupportClient>(settings);

    private Task<DescribeCasesPage> DescribeAsync(SupportClient sut, string accountId, DescribeCasesRequest request) =>
        Time.RunAsync(sut.DescribeCasesAsync(accountId, request, CancellationToken.None));

    [Test]
    public async Task DescribeCasesAsync_MemberAccount_SignsWithItsSessionTokenAndReturnsItsCases()
    {
        var prodCase = Aws.Support.AddCase(Prod, new FakeCase());
        Aws.Support.AddCase(Staging, new FakeCase { Subject = "Staging only" });
        var sut = CreateSut();

        var page = await DescribeAsync(sut, Prod, new DescribeCasesRequest("en"));

        var describe = Aws.RequestsOf("DescribeCases").Single();
        var assume = Aws.RequestsOf("AssumeRole").Single();
        Assert.Multiple(() =>
        {
            Assert.That(page.Cases.Select(c => c.Json), Is.EqualTo(new[] { prodCase.ToJson() }), "exactly as AWS returned it");
            Assert.That(page.NextToken, Is.Null);
            Assert.That(describe.AccountId, Is.EqualTo(Prod));
            Assert.That(describe.AccessKeyId, Does.StartWith("ASIA" + Prod));
            Assert.That(describe.Headers["x-amz-security-token"], Does.Contain(Prod));
            Assert.That(describe.Headers["x-amz-target"], Is.EqualTo("AWSSupport_20130415.DescribeCases"));
            Assert.That(describe.Headers["authorization"], Does.Contain("/us-east-1/support/aws4_request"));
            Assert.That(assume.AccountId, Is.EqualTo(Prod));
            Assert.That(assume.AccessKeyId, Is.EqualTo(FakeAwsCredentialSource.BaseAccessKeyId), "AssumeRole uses the base credentials");
            Assert.That(Aws.SignatureProblems, Is.Empty);
        });
    }

    [Test]
    public async Task DescribeCasesAsync_SeveralPages_ReturnsNewestFirstAndAssumesRoleOnce()
    {
        Aws.Support.CasesPageSize = 2;
        var oldest = Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = AwsServices.Start.AddHours(-3), Subject = "oldest" });
        var newest = Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = AwsServices.Start.AddHours(-1), Subject = "newest" });
        var middle = Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = AwsServices.Start.AddHours(-2), Subject = "middle" });
        var sut = CreateSut();

        var first = await DescribeAsync(sut, Prod, new DescribeCasesRequest("en"));
        var second = await DescribeAsync(sut, Prod, new DescribeCasesRequest("en", NextToken: first.NextToken));

        Assert.Multiple(() =>
        {
            Assert.That(first.Cases.Select(c => c.CaseId), Is.EqualTo(new[] { newest.CaseId, middle.CaseId }));
            Assert.That(first.NextToken, Is.Not.Null);
            Assert.That(second.Cases.Select(c => c.CaseId), Is.EqualTo(new[] { oldest.CaseId }));
            Assert.That(second.NextToken, Is.Null);
            Assert.That(Aws.RequestsOf("DescribeCases").Select(r => r.NextToken), Is.EqualTo(new[] { null, first.NextToken }));
            Assert.That(Aws.RequestsOf("AssumeRole"), Has.Count.EqualTo(1), "the credentials are cached");
            Assert.That(first.Cases[0].OpeningText, Does.Contain("AKIAI44QH8DHBEXAMPLE"));
        });
    }

    [Test]
    public async Task DescribeCasesAsync_Filters_AreSentAsAwsNamesThem()
    {
        Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = AwsServices.Start.AddHours(-2), Subject = "before the window" });
        var recent = Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = AwsServices.Start.AddMinutes(-10), Language = "ja", Subject = "アクセスキーが公開されています" });
        var resolved = Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = AwsServices.Start.AddMinutes(-5), Language = "ja", Status = "resolved" });
        Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = AwsServices.Start.AddMinutes(-1), Language = "en" });
        var sut = CreateSut();

        var open = await DescribeAsync(sut, Prod, new DescribeCasesRequest("ja", AfterTime: AwsServices.Start.AddHours(-1), MaxResults: 10));
        var all = await DescribeAsync(sut, Prod, new DescribeCasesRequest("ja", AfterTime: AwsServices.Start.AddHours(-1), IncludeResolvedCases: true, IncludeCommunications: false));
        var byId = await DescribeAsync(sut, Prod, new DescribeCasesRequest("ja", IncludeResolvedCases: true, CaseIds: [resolved.CaseId!]));

        var sent = Aws.RequestsOf("DescribeCases");
        Assert.Multiple(() =>
        {
            Assert.That(open.Cases.Select(c => c.Subject), Is.EqualTo(new[] { recent.Subject }));
            Assert.That(all.Cases.Select(c => c.CaseId), Is.EqualTo(new[] { resolved.CaseId, recent.CaseId }));
            Assert.That(all.Cases[0].Json, Does.Not.Contain("\"recentCommunications\""), "includeCommunications: false");
            Assert.That(byId.Cases.Select(c => c.CaseId), Is.EqualTo(new[] { resolved.CaseId }));
            Assert.That(sent[0].Language, Is.EqualTo("ja"));
            Assert.That(sent[0].AfterTime, Is.EqualTo("2026-11-28T13:00:00.000Z"));
            Assert.That(sent[2].AfterTime, Is.Null);
            Assert.That(Aws.SignatureProblems, Is.Empty);
        });
    }

    [Test]
    public void DescribeCasesAsync_NoSupportSubscription_ThrowsWithoutRetrying()
    {
        Aws.Support.SubscriptionRequired(Prod);
        var sut = CreateSut();

        var e = Assert.ThrowsAsync<AwsException>(() => DescribeAsync(sut, Prod, new DescribeCasesRequest("en")));

        Assert.Multiple(() =>
        {
            Assert.That(e!.Operation, Is.EqualTo(AwsOperation.DescribeCases));
            Assert.That(e.AccountId, Is.EqualTo(Prod));
            Assert.That(e.ErrorCode, Is.EqualTo("SubscriptionRequiredException"));
            Assert.That(e.StatusCode, Is.EqualTo(400));
            Assert.That(e.Attempts, Is.EqualTo(1));
            Assert.That(e.Message, Is.EqualTo("AWS Support DescribeCases for account 111111111111 failed: SubscriptionRequiredException (HTTP 400): AWS Premium Support Subscription is required to use this service."));
            Assert.That(Aws.RequestsOf("DescribeCases"), Has.Count.EqualTo(1));
            Assert.That(Time.Waits, Is.Empty);
        });
    }

    [Test]
    public async Task DescribeCasesAsync_Throttled_RetriesThenSucceeds()
    {
        var only = Aws.Support.AddCase(Prod, new FakeCase());
        var sut = CreateSut();
        Aws.Throttle(1);
        Aws.FailWithServerError(1);

        var page = await DescribeAsync(sut, Prod, new DescribeCasesRequest("en"));

        Assert.Multiple(() =>
        {
            Assert.That(page.Cases.Select(c => c.CaseId), Is.EqualTo(new[] { only.CaseId }));
            Assert.That(Aws.RequestsOf("DescribeCases").Select(r => r.Status), Is.EqualTo(new[] { 400, 500, 200 }));
            Assert.That(Time.Waits, Has.Count.EqualTo(2));
            Assert.That(Aws.RequestsOf("AssumeRole"), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void DescribeCasesAsync_ThrottledBeyondAttempts_ThrowsThrottlingWithCodeStripped()
    {
        var sut = CreateSut(new Dictionary<string, string?> { ["Aws:MaxAttempts"] = "2" });
        Aws.Throttle(5);

        var e = Assert.ThrowsAsync<AwsException>(() => DescribeAsync(sut, Prod, new DescribeCasesRequest("en")));

        Assert.Multiple(() =>
        {
            Assert.That(e!.ErrorCode, Is.EqualTo("ThrottlingException"), "com.amazon.coral.availability# stripped");
            Assert.That(e.IsThrottling, Is.True);
            Assert.That(e.Attempts, Is.EqualTo(2));
            Assert.That(e.AwsMessage, Is.EqualTo("Rate exceeded"));
            Assert.That(Aws.RequestsOf("DescribeCases"), Has.Count.EqualTo(2));
        });
    }

    [Test]
    public void DescribeCasesAsync_AssumeRoleDenied_ThrowsAssumeRoleErrorForTheAccount()
    {
        Aws.Sts.DenyAssumeRole(Prod);
        var sut = CreateSut();

        var e = Assert.ThrowsAsync<AwsException>(() => DescribeAsync(sut, Prod, new DescribeCasesRequest("en")));

        Assert.Multiple(() =>
        {
            Assert.That(e!.Operation, Is.EqualTo(AwsOperation.AssumeRole));
            Assert.That(e.AccountId, Is.EqualTo(Prod));
            Assert.That(e.ErrorCode, Is.EqualTo("AccessDenied"));
            Assert.That(e.StatusCode, Is.EqualTo(403));
            Assert.That(e.Message, Does.StartWith("AWS STS AssumeRole for account 111111111111 failed: AccessDenied (HTTP 403): User: arn:aws:iam::999999999999:user/mailgate is not authorized"));
            Assert.That(Aws.RequestsOf("AssumeRole"), Has.Count.EqualTo(1), "AccessDenied is not retried");
            Assert.That(Aws.RequestsOf("DescribeCases"), Is.Empty);
        });
    }

    [Test]
    public async Task DescribeCasesAsync_CredentialsNoLongerAccepted_ThrowsThenAssumesRoleAgain()
    {
        var sut = CreateSut();
        await DescribeAsync(sut, Prod, new DescribeCasesRequest("en"));
        Aws.Sts.ExpireCredentials(Prod);

        var e = Assert.ThrowsAsync<AwsException>(() => DescribeAsync(sut, Prod, new DescribeCasesRequest("en")));
        await DescribeAsync(sut, Prod, new DescribeCasesRequest("en"));

        Assert.Multiple(() =>
        {
            Assert.That(e!.ErrorCode, Is.EqualTo("ExpiredTokenException"));
            Assert.That(Aws.RequestsOf("DescribeCases").Select(r => r.Status), Is.EqualTo(new[] { 200, 403, 200 }));
            Assert.That(Aws.RequestsOf("AssumeRole"), Has.Count.EqualTo(2), "the rejected credentials were dropped");
            Assert.That(Aws.SignatureProblems, Is.Empty);
        });
    }

    [Test]
    public void DescribeCasesAsync_MaxResultsOutOfRange_Throws()
    {
        var sut = CreateSut();

        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sut.DescribeCasesAsync(Prod, new DescribeCasesRequest("en", MaxResults: 5), CancellationToken.None));
        Assert.That(Aws.Requests, Is.Empty);
    }
}
