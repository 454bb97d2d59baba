using MailGate.Core.Storage;
using MailGate.Tests.Support;

namespace MailGate.Tests.EndToEnd;

/// <summary>
/// The gateway's secret-bearing calls stay pinned to the configured endpoint: a redirect is a failure
/// that is retried, never followed, and only the configured endpoint's 202 delivers.
/// </summary>
[TestFixture]
public sealed class OutboundTests : GatewayTestBase
{
    [TestCase(302)]
    [TestCase(307)]
    [TestCase(308)]
    public async Task RedirectFromPagerDuty_IsNeitherFollowedNorCountedAsDelivered_AndTheEventIsRetried(int status)
    {
        await using var elsewhere = await FakePagerDuty.StartAsync();
        PagerDuty.Respond = n => n <= 3 ? FakeResponse.Redirect(status, elsewhere.EventsUrl) : FakeResponse.Accepted;

        var id = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));

        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));
        Assert.Multiple(() =>
        {
            Assert.That(elsewhere.Requests, Is.Empty, "the routing key never went to the host the redirect named");
            Assert.That(PagerDuty.Requests.Select(r => r.Status), Is.EqualTo(new[] { status, status, status, 202 }));
            Assert.That(PagerDuty.Requests.Select(r => r.DedupKey).Distinct().Count(), Is.EqualTo(1));
        });
    }
}
