using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Tests.Support;

namespace MailGate.Tests.EndToEnd;

/// <summary>
/// Issue #12 §3–§5 through the real gateway: the inputs as they arrive over SMTP, byte for byte, and
/// what PagerDuty receives.
/// </summary>
[TestFixture]
public sealed class RealMailPathTests : GatewayTestBase
{
    protected override string Rules => GatewayHarness.DefaultRules.Replace(
        "  - name: everything-else",
        "  - name: root-alert\n    when:\n      subject: { contains: \"sign-in alert\" }\n    route: security-oncall\n  - name: jp-notice\n    when:\n      recipient: { equals: \"aws-incident1@mailgate.example.com\" }\n    route: security-oncall\n  - name: everything-else",
        StringComparison.Ordinal);

    [Test]
    public async Task AlertWithoutMessageIdThroughTwoGroups_OneTrigger_TheSecondCopyADuplicate()
    {
        var viaRoot = await SendFixtureAsync("alert-without-message-id-via-root-group.eml");
        var viaSecurity = await SendFixtureAsync("alert-without-message-id-via-security-group.eml");
        Assert.That(await Gateway.WaitFinishedAsync(viaRoot), Is.EqualTo(SpoolArea.Done));
        Assert.That(await Gateway.WaitFinishedAsync(viaSecurity), Is.EqualTo(SpoolArea.Done));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PagerDuty.Accepted, Has.Count.EqualTo(1), "one email, one trigger: the delivery ledger knows the copy by its content identity");
            Assert.That(PagerDuty.Accepted.Single().DedupKey, Does.StartWith("mailgate-root-alert-"));
            Assert.That(SpoolStore.ReadState(Gateway.Spool.Find(viaSecurity)!.Value.Message).Deliveries.Select(d => d.Status), Is.EqualTo(new[] { DeliveryStatus.Duplicate }));
            Assert.That(PagerDuty.Accepted.Select(r => r.Details.GetProperty("body").GetString()), Has.All.Not.Contain("Google Groups"));
        }
    }

    [Test]
    public async Task RawShiftJisSubject_IncidentShowsTheJapaneseSubject()
    {
        var id = await SendFixtureAsync("subject-raw-shift-jis-charset-only-on-body.eml", "aws-abuse@mailgate.example.com");
        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));

        Assert.That(PagerDuty.Accepted.Single().Payload.GetProperty("summary").GetString(),
            Is.EqualTo("AWS abuse report for 123456789012: 【重要】不正利用 Abuse Report [AWS ID 123456789012]"));
    }

    [Test]
    public async Task JapaneseAccountLabel_IncidentNamesTheAccount()
    {
        var id = await SendFixtureAsync("japanese-notice-with-account-id-label.eml", "aws-incident1@mailgate.example.com");
        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));

        var details = PagerDuty.Accepted.Single().Details;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(details.GetProperty("account_id").GetString(), Is.EqualTo("123456789012"));
            Assert.That(details.GetProperty("account_ids").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "123456789012" }));
            Assert.That(PagerDuty.Accepted.Single().Payload.GetProperty("summary").GetString(), Does.EndWith("(account 123456789012)"));
        }
    }

    private Task<string> SendFixtureAsync(string fixture, string recipient = "aws-root-alerts@mailgate.example.com") =>
        Mail.SendFixtureAsync(Gateway, fixture, recipient);
}
