using System.Text;
using System.Text.Json;
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
