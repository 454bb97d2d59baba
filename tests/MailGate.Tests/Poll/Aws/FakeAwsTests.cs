using System.Text;
using System.Text.Json;
using MailGate.Poll.Aws;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;

namespace MailGate.Tests.Poll.Aws;

/// <summary>The fake refuses what real AWS would, so that "no signature problems" means something.</summary>
[TestFixture]
public sealed class FakeAwsTests
{
    [Test]
    public async Task Post_Unsigned_IsRefusedAndRecorded()
    {
        await using var aws = await FakeAws.StartAsync();
        using var http = new HttpClient();
        using var content = new StringContent("{}", Encoding.UTF8);
        content.Headers.ContentType = new("application/x-amz-json-1.1");
        using var request = new HttpRequestMessage(HttpMethod.Post, aws.Url) { Content = content };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "AWSOrganizationsV20161128.ListAccounts");

        using var response = await http.SendAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(403));
            Assert.That(aws.SignatureProblems, Is.EqualTo(new[] { "organizations: no Authorization header" }));
        });
    }

    /// <summary>One JSON call to the fake, signed by hand with <paramref name="credentials"/> for <paramref name="service"/>.</summary>
    private static async Task<int> PostAsync(FakeAws aws, string target, string service, AwsCredentials credentials, string region = "us-east-1")
    {
        using var http = new HttpClient();
        var body = Encoding.UTF8.GetBytes("{}");
        using var request = new HttpRequestMessage(HttpMethod.Post, aws.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        SigV4.Sign(request, body, credentials, region, service, DateTimeOffset.UtcNow);
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }

    private static readonly AwsCredentials Base = new(FakeAwsCredentialSource.BaseAccessKeyId, FakeAwsCredentialSource.BaseSecretAccessKey);

    [TestCase("AWSOrganizationsV20161128.ListAccounts", "organizations", "us-east-1", 200, null)]
    [TestCase("AWSOrganizationsV20161128.ListAccounts", "support", "us-east-1", 403, "organizations: the credential scope is us-east-1/support, expected us-east-1/organizations")]
    [TestCase("AWSOrganizationsV20161128.ListAccounts", "organizations", "eu-west-1", 403, "organizations: the credential scope is eu-west-1/organizations, expected us-east-1/organizations")]
    [TestCase("AWSSupport_20130415.DescribeCases", "support", "us-east-1", 403, "support: support call signed with AKIAMAILGATETEST0001, which AssumeRole never issued")]
    [TestCase("AWSUnknown_20200101.Nothing", "unknown", "us-east-1", 400, null)]
    public async Task Post_SignedWithTheBaseCredentials_OnlyTheServicesThatTakeThemAnswer(string target, string service, string region, int status, string? problem)
    {
        await using var aws = await FakeAws.StartAsync();

        var answered = await PostAsync(aws, target, service, Base, region);

        Assert.Multiple(() =>
        {
            Assert.That(answered, Is.EqualTo(status));
            Assert.That(aws.SignatureProblems, Is.EqualTo(problem is null ? Array.Empty<string>() : new[] { problem }));
            Assert.That(aws.Requests.Single().AccessKeyId, Is.EqualTo(FakeAwsCredentialSource.BaseAccessKeyId));
        });
    }

    [Test]
    public async Task Post_OrganizationsWithASessionToken_IsRefused()
    {
        await using var aws = await FakeAws.StartAsync();

        var answered = await PostAsync(aws, "AWSOrganizationsV20161128.ListAccounts", "organizations", Base with { SessionToken = "token" });

        Assert.That((answered, aws.SignatureProblems.Single()), Is.EqualTo((403, "organizations: organizations call signed with AKIAMAILGATETEST0001 and a session token, not the base credentials AKIAMAILGATETEST0001")));
    }

    [Test]
    public async Task Faults_AreAnsweredInEachServicesOwnWords_ThenTheCallWorks()
    {
        await using var aws = await FakeAws.StartAsync();
        aws.Throttle(1);
        aws.FailWithServerError(1);

        var statuses = new[]
        {
            await PostAsync(aws, "AWSOrganizationsV20161128.ListAccounts", "organizations", Base),
            await PostAsync(aws, "AWSOrganizationsV20161128.ListAccounts", "organizations", Base),
            await PostAsync(aws, "AWSOrganizationsV20161128.ListAccounts", "organizations", Base),
        };

        Assert.Multiple(() =>
        {
            Assert.That(statuses, Is.EqualTo(new[] { 400, 500, 200 }));
            Assert.That(aws.Requests.Select(r => r.ErrorCode), Is.EqualTo(new[] { "TooManyRequestsException", "ServiceException", null }));
        });
    }

    [Test]
    public void FakeCase_ToJson_HasTheShapeOfDescribeCases()
    {
        var supportCase = new FakeCase
        {
            CaseId = "case-111111111111-muen-2026-0123456789abcdef",
            DisplayId = "17000000001",
            TimeCreated = new DateTimeOffset(2026, 11, 28, 14, 3, 21, 123, TimeSpan.Zero),
        };

        using var json = JsonDocument.Parse(supportCase.ToJson());

        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[]
            {
                "caseId", "displayId", "subject", "status", "serviceCode", "categoryCode", "severityCode", "submittedBy",
                "timeCreated", "recentCommunications", "ccEmailAddresses", "language",
            }));
            Assert.That(root.GetProperty("timeCreated").GetString(), Is.EqualTo("2026-11-28T14:03:21.123Z"));
            Assert.That(root.GetProperty("categoryCode").GetString(), Is.EqualTo("security"));
            var communication = root.GetProperty("recentCommunications").GetProperty("communications")[0];
            Assert.That(communication.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "caseId", "body", "submittedBy", "timeCreated", "attachmentSet" }));
            Assert.That(communication.GetProperty("caseId").GetString(), Is.EqualTo(supportCase.CaseId));
        });
    }
}
