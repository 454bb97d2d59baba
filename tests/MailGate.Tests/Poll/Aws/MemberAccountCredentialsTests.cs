using MailGate.Poll.Aws;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;

namespace MailGate.Tests.Poll.Aws;

[TestFixture]
public sealed class MemberAccountCredentialsTests : AwsTestBase
{
    private const string Prod = "111111111111";
    private const string Staging = "444444444444";

    private MemberAccountCredentials CreateSut(IReadOnlyDictionary<string, string?>? settings = null) =>
        Resolve<MemberAccountCredentials>(settings);

    private Task<AwsCredentials> GetAsync(MemberAccountCredentials sut, string accountId) =>
        Time.RunAsync(sut.GetAsync(accountId, CancellationToken.None).AsTask());

    [Test]
    public async Task GetAsync_Twice_AssumesRoleOnceWithTheConfiguredRequest()
    {
        var sut = CreateSut(new Dictionary<string, string?>
        {
            ["Aws:ExternalId"] = "mailgate-7f3a9c",
            ["Aws:RoleSessionName"] = "mailgate-poller",
            ["Aws:RoleArnPattern"] = "arn:aws:iam::{account_id}:role/security/MailGateSupportReader",
        });

        var first = await GetAsync(sut, Prod);
        var second = await GetAsync(sut, Prod);

        var assume = Aws.RequestsOf("AssumeRole").Single();
        Assert.Multiple(() =>
        {
            Assert.That(second, Is.SameAs(first));
            Assert.That(first.AccessKeyId, Does.StartWith("ASIA" + Prod));
            Assert.That(first.SessionToken, Does.Contain(Prod));
            Assert.That(first.Expiration, Is.EqualTo(AwsServices.Start.AddHours(1)));
            Assert.That(first.ToString(), Does.Not.Contain(first.SecretAccessKey).And.Not.Contain(first.SessionToken!));
            Assert.That(Aws.Sts.ExternalIds, Is.EqualTo(new[] { "mailgate-7f3a9c" }));
            Assert.That(assume.Body, Does.Contain("RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fsecurity%2FMailGateSupportReader"));
            Assert.That(assume.Body, Does.Contain("RoleSessionName=mailgate-poller"));
            Assert.That(assume.Body, Does.Contain("DurationSeconds=3600"));
            Assert.That(Aws.SignatureProblems, Is.Empty);
        });
    }

    [Test]
    public async Task GetAsync_NoExternalIdConfigured_SendsNone()
    {
        var sut = CreateSut();

        await GetAsync(sut, Prod);

        Assert.That(Aws.Sts.ExternalIds, Is.EqualTo(new string?[] { null }));
    }

    [Test]
    public async Task GetAsync_NearExpiry_AssumesRoleAgain()
    {
        var sut = CreateSut();
        var first = await GetAsync(sut, Prod);

        Time.Advance(TimeSpan.FromMinutes(54) + TimeSpan.FromSeconds(59));
        var beforeMargin = await GetAsync(sut, Prod);
        Time.Advance(TimeSpan.FromSeconds(1));
        var atMargin = await GetAsync(sut, Prod);

        Assert.Multiple(() =>
        {
            Assert.That(beforeMargin, Is.SameAs(first), "more than the 5-minute margin is left");
            Assert.That(atMargin.AccessKeyId, Is.Not.EqualTo(first.AccessKeyId));
            Assert.That(atMargin.Expiration, Is.EqualTo(AwsServices.Start.AddMinutes(55).AddHours(1)));
            Assert.That(Aws.RequestsOf("AssumeRole"), Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task GetAsync_ConcurrentCallersForOneAccount_ShareOneAssumeRole()
    {
        var sut = CreateSut();

        var all = await Time.RunAsync(Task.WhenAll(Enumerable.Range(0, 8).Select(_ => sut.GetAsync(Prod, CancellationToken.None).AsTask())));

        Assert.Multiple(() =>
        {
            Assert.That(all.Distinct().Count(), Is.EqualTo(1));
            Assert.That(Aws.RequestsOf("AssumeRole"), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task GetAsync_TwoAccounts_AssumesEachAccountsRole()
    {
        var sut = CreateSut();

        var prod = await GetAsync(sut, Prod);
        var staging = await GetAsync(sut, Staging);

        Assert.Multiple(() =>
        {
            Assert.That(prod.AccessKeyId, Does.StartWith("ASIA" + Prod));
            Assert.That(staging.AccessKeyId, Does.StartWith("ASIA" + Staging));
            Assert.That(Aws.RequestsOf("AssumeRole").Select(r => r.AccountId), Is.EqualTo(new[] { Prod, Staging }));
        });
    }

    [Test]
    public void GetAsync_AccessDenied_ThrowsAndCachesNothing()
    {
        Aws.Sts.DenyAssumeRole(Prod);
        var sut = CreateSut();

        var first = Assert.ThrowsAsync<AwsException>(() => GetAsync(sut, Prod));
        var second = Assert.ThrowsAsync<AwsException>(() => GetAsync(sut, Prod));

        Assert.Multiple(() =>
        {
            Assert.That(first!.Operation, Is.EqualTo(AwsOperation.AssumeRole));
            Assert.That(first.AccountId, Is.EqualTo(Prod));
            Assert.That(first.ErrorCode, Is.EqualTo("AccessDenied"));
            Assert.That(first.StatusCode, Is.EqualTo(403));
            Assert.That(first.Message, Does.Contain("account 111111111111"));
            Assert.That(second!.ErrorCode, Is.EqualTo("AccessDenied"));
            Assert.That(Aws.RequestsOf("AssumeRole"), Has.Count.EqualTo(2), "one call each: not retried, not cached");
        });
    }
}
