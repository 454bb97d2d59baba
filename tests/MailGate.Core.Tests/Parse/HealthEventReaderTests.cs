using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Spool;
using System.Text;
using System.Text.Json;

namespace MailGate.Core.Tests.Parse;

/// <summary>AWS Health events in both shapes (organizational view, EventBridge) into <see cref="HealthEvent"/> and facts.</summary>
[TestFixture]
public class HealthEventReaderTests
{
    private const string RiskArn = "arn:aws:health:global::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/AWS_RISK_CREDENTIALS_EXPOSED_a1b2c3d4e5f6";
    private static readonly DateTimeOffset FoundAt = new(2026, 11, 30, 8, 20, 0, TimeSpan.Zero);
    private static readonly Envelope Polled = Envelope.ForHealthEvent(new HealthEventOrigin(HealthEventOrigin.Polled), FoundAt);

    private static JsonElement Fixture(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "health-events", name)));
        return document.RootElement.Clone();
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    [TestCase("AWS_RISK_CREDENTIALS_EXPOSED", "RISK", "AWS Risk: credentials exposed")]
    [TestCase("AWS_RISK_CREDENTIALS_COMPROMISE_SUSPECTED", "RISK", "AWS Risk: credentials compromise suspected")]
    [TestCase("AWS_RISK_IAM_QUARANTINE", "RISK", "AWS Risk: iam quarantine")]
    [TestCase("AWS_ABUSE_DOS_REPORT", "ABUSE", "AWS Abuse: dos report")]
    [TestCase("AWS_ABUSE_EC2_DOS_REPORT", "ABUSE", "AWS Abuse: ec2 dos report")]
    [TestCase("AWS_EC2_OPERATIONAL_ISSUE", "EC2", "AWS EC2: operational issue")]
    [TestCase("AWS_IAM_SOMETHING", "", "AWS IAM: something")]
    [TestCase("AWS_CLOUDFRONT_OPERATIONAL_ISSUE", "CLOUDFRONT", "AWS Cloudfront: operational issue")]
    [TestCase("AWS_RISK", "RISK", "AWS Risk")]
    [TestCase("SOME_OTHER_CODE", "RISK", "SOME OTHER CODE")]
    [TestCase("", "", "")]
    public void Readable_TypeCode(string code, string service, string expected) =>
        Assert.That(HealthEvent.Readable(code, service), Is.EqualTo(expected));

    [TestCase("1796026500", "2026-11-30T08:15:00Z")]
    [TestCase("1796026623.512", "2026-11-30T08:17:03.512Z")]
    [TestCase("\"2026-11-30T08:15:00Z\"", "2026-11-30T08:15:00Z")]
    [TestCase("\"2026-11-30T09:15:00+01:00\"", "2026-11-30T08:15:00Z")]
    [TestCase("\"Mon, 30 Nov 2026 08:15:00 GMT\"", "2026-11-30T08:15:00Z")]
    [TestCase("\"yesterday\"", "")]
    [TestCase("null", "")]
    [TestCase("-5", "")]
    [TestCase("true", "")]
    public void Times_AreNormalisedToIsoUtc(string json, string expected) =>
        Assert.That(HealthTimes.Normalise(Json(json)), Is.EqualTo(expected));

    [Test]
    public void DetailsResponse_GivesOneEventPerAccount_AndSkipsTheFailedSet()
    {
        var events = HealthEventReader.Events(Fixture("details-two-accounts.json"));

        Assert.That(events.Select(e => e.AccountId), Is.EqualTo(new[] { "111122223333", "444455556666" }));
        var first = events[0];
        Assert.Multiple(() =>
        {
            Assert.That(first.EventArn, Is.EqualTo(RiskArn));
            Assert.That(first.EventTypeCode, Is.EqualTo("AWS_RISK_CREDENTIALS_EXPOSED"));
            Assert.That(first.Service, Is.EqualTo("RISK"));
            Assert.That(first.Category, Is.EqualTo("issue"));
            Assert.That(first.Region, Is.EqualTo("global"));
            Assert.That(first.Status, Is.EqualTo("open"));
            Assert.That(first.StartTimeText, Is.EqualTo("2026-11-30T08:15:00Z"));
            Assert.That(first.LastUpdatedTimeText, Is.EqualTo("2026-11-30T08:17:03.512Z"));
            Assert.That(first.Description, Does.Contain("AKIAIOSFODNN7EXAMPLE"));
            Assert.That(first.Subject, Is.EqualTo("AWS Risk: credentials exposed"));
            Assert.That(first.IsClosed, Is.False);
            Assert.That(first.Identity, Is.EqualTo($"health:{RiskArn}|111122223333"));
            Assert.That(events[1].Identity, Is.Not.EqualTo(first.Identity), "one identity per account");
        });
    }

    [Test]
    public void EventBridge_OrganizationEvent_TakesTheAffectedAccountAndTheEnglishDescription()
    {
        var e = HealthEventReader.Read(Fixture("eventbridge-risk.json"));

        Assert.Multiple(() =>
        {
            Assert.That(e.EventArn, Is.EqualTo(RiskArn));
            Assert.That(e.AccountId, Is.EqualTo("111122223333"), "affectedAccount, not the envelope's account");
            Assert.That(e.Region, Is.EqualTo("global"), "eventRegion, not the envelope's region");
            Assert.That(e.StartTimeText, Is.EqualTo("2026-11-30T08:15:00Z"));
            Assert.That(e.LastUpdatedTimeText, Is.EqualTo("2026-11-30T08:17:03Z"));
            Assert.That(e.Description, Does.StartWith("We have detected"));
            Assert.That(e.Status, Is.EqualTo("open"));
        });
    }

    [Test]
    public void EventBridge_AbuseEventOfOneAccount_TakesTheEnvelopesAccountAndRegion()
    {
        var e = HealthEventReader.Read(Fixture("eventbridge-abuse.json"));

        Assert.That((e.AccountId, e.Region, e.EventTypeCode, e.Subject), Is.EqualTo(("210987654321", "eu-west-1", "AWS_ABUSE_DOS_REPORT", "AWS Abuse: dos report")));
    }

    [Test]
    public void PushedAndPolled_SameEventAndAccount_HaveOneIdentity()
    {
        var polled = HealthEventReader.Events(Fixture("details-two-accounts.json"))[0];
        var pushed = HealthEventReader.Read(Fixture("eventbridge-risk.json"));

        Assert.That(pushed.Identity, Is.EqualTo(polled.Identity));
    }

    [Test]
    public void Json_ReadsBackToTheSameRecord_InBothShapes()
    {
        foreach (var original in HealthEventReader.Events(Fixture("details-two-accounts.json")).Append(HealthEventReader.Read(Fixture("eventbridge-abuse.json"))))
        {
            var named = original with { AccountName = "prod-payments" };

            Assert.That(HealthEventReader.Read(Json(named.Json)), Is.EqualTo(named));
        }
    }

    [TestCase("{}", "no event arn")]
    [TestCase("[]", "expected an EventBridge")]
    [TestCase("42", "expected an EventBridge")]
    [TestCase("[1]", "not a JSON object")]
    [TestCase("""{"event":{"service":"RISK"}}""", "no event arn")]
    [TestCase("""{"source":"aws.health","detail":{"service":"RISK"}}""", "no eventArn")]
    [TestCase("""{"source":"aws.ec2","detail":{"eventArn":"x"}}""", "aws.ec2")]
    public void NotAHealthEvent_IsRefused(string json, string message) =>
        Assert.That(() => HealthEventReader.Events(Json(json)), Throws.TypeOf<MessageParseException>().With.Message.Contains(message));

    [Test]
    public void Facts_OfAStoredEvent()
    {
        var stored = HealthEventReader.Events(Fixture("details-two-accounts.json"))[1] with { AccountName = "ci-sandbox" };

        var facts = HealthEventReader.Read("0001", Polled, new MemoryStream(Encoding.UTF8.GetBytes(stored.Json)));

        Assert.Multiple(() =>
        {
            Assert.That(facts.Source, Is.EqualTo("health-event"));
            Assert.That(facts.FromAws, Is.True);
            Assert.That(facts.Subject, Is.EqualTo("AWS Risk: credentials exposed"));
            Assert.That(facts.Body, Does.Contain("AKIAI44QH8DHBEXAMPLE"));
            Assert.That(facts.Account, Is.EqualTo("ci-sandbox (444455556666)"));
            Assert.That(facts.Date, Is.EqualTo(new DateTimeOffset(2026, 11, 30, 8, 15, 0, TimeSpan.Zero)));
            Assert.That(facts.ReceivedAt, Is.EqualTo(FoundAt));
            Assert.That(facts.Health, Is.EqualTo(stored));
        });
    }

    [Test]
    public void ReadAll_Several_NumbersTheirSpoolIds()
    {
        var all = HealthEventReader.ReadAll("t", Polled, new MemoryStream(Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "health-events", "details-two-accounts.json")))));

        Assert.That(all.Select(f => f.SpoolId), Is.EqualTo(new[] { "t 1", "t 2" }));
        Assert.That(() => HealthEventReader.Read("t", Polled, new MemoryStream("nope"u8.ToArray())), Throws.TypeOf<MessageParseException>());
    }

    [TestCase("poll", false)]
    [TestCase("eventbridge", true)]
    public void Envelope_RoundTripsThroughTheSpoolsJson(string channel, bool resolve)
    {
        var envelope = Envelope.ForHealthEvent(new HealthEventOrigin(channel, resolve), FoundAt);

        var json = SpoolDocuments.EnvelopeJson(envelope);
        var read = SpoolDocuments.ReadEnvelope(json, out var problem);

        Assert.That((read, problem), Is.EqualTo((envelope, (string?)null)));
        Assert.That(read!.Resolve, Is.EqualTo(resolve));
        Assert.That(Encoding.UTF8.GetString(json), Does.Contain("\"source\": \"health-event\""));
    }

    [Test]
    public void Envelope_HealthWithoutChannel_IsDamaged()
    {
        var read = SpoolDocuments.ReadEnvelope("""{"source":"health-event","received_at":"2026-11-30T08:20:00Z"}"""u8.ToArray(), out var problem);

        Assert.That((read, problem), Is.EqualTo(((Envelope?)null, "is not valid: health lacks its channel")));
    }

    [Test]
    public void FactsView_PutsTheEventsFieldsInItsOwnObject()
    {
        var facts = HealthEventReader.ToFacts(HealthEventReader.Read(Fixture("eventbridge-abuse.json")), "s", Polled);

        var json = MailGate.Core.Facts.FactsView.Json(facts);

        Assert.That(json["case"], Is.Null);
        Assert.That(json["source"]!.GetValue<string>(), Is.EqualTo("health-event"));
        Assert.That(json["health"]!["event_type_code"]!.GetValue<string>(), Is.EqualTo("AWS_ABUSE_DOS_REPORT"));
        Assert.That(json["health"]!["service"]!.GetValue<string>(), Is.EqualTo("ABUSE"));
    }
}
