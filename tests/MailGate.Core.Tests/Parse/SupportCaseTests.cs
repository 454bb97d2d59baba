using MailGate.Core.Parse;
using System.Text.Json;

namespace MailGate.Core.Tests.Parse;

/// <summary>The typed support case the poller and the reader share: read once, raw JSON kept byte for byte.</summary>
[TestFixture]
public class SupportCaseTests
{
    private static SupportCase? TryRead(string json)
    {
        using var document = JsonDocument.Parse(json);
        return SupportCase.TryRead(document.RootElement);
    }

    [Test]
    public void TryRead_FixtureCase_ReadsEveryFieldAndKeepsTheTextExactly()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "support-cases", "security-case-japanese-critical.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var element = SupportCaseReader.Cases(document.RootElement)[0];

        var sut = SupportCase.TryRead(element)!;

        Assert.Multiple(() =>
        {
            Assert.That(sut.Json, Is.EqualTo(element.GetRawText()), "the case's own text, indentation and escapes as sent");
            Assert.That(sut.Language, Is.EqualTo("ja"));
            Assert.That(sut.SeverityCode, Is.EqualTo("critical"));
            Assert.That(sut.OpeningText, Is.EqualTo("お客様の EC2 インスタンス i-0123456789abcdef0 から外部への攻撃的な通信が確認されました。"), "the last listed: the opening one");
            Assert.That(sut.TimeCreated, Is.Not.Null);
            Assert.That(sut.IsResolved, Is.False);
        });
    }

    [TestCase("""{"caseId":"case-1"}""", "case-1")]
    [TestCase("""{"caseId":"case-1","subject":7,"status":null}""", "case-1")]
    [TestCase("""{"caseId":""}""", null)]
    [TestCase("""{"caseId":7}""", null)]
    [TestCase("""{"subject":"no id"}""", null)]
    [TestCase("""["caseId"]""", null)]
    [TestCase("""  "case-1"  """, null)]
    public void TryRead_NeedsAStringCaseId(string json, string? expected) =>
        Assert.That(TryRead(json)?.CaseId, Is.EqualTo(expected));

    [TestCase("""{"caseId":"c","timeCreated":"2026-11-28T13:58:07.412Z"}""", "2026-11-28T13:58:07.4120000+00:00")]
    [TestCase("""{"caseId":"c","timeCreated":"2026-11-28T13:58:07"}""", "2026-11-28T13:58:07.0000000+00:00")]
    [TestCase("""{"caseId":"c","timeCreated":"2026-11-28T22:58:07+09:00"}""", "2026-11-28T22:58:07.0000000+09:00")]
    [TestCase("""{"caseId":"c","timeCreated":"yesterday"}""", null)]
    [TestCase("""{"caseId":"c"}""", null)]
    public void TimeCreated_IsReadAsUtcUnlessAnOffsetIsNamed(string json, string? expected) =>
        Assert.That(TryRead(json)!.TimeCreated?.ToString("O", System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(expected));

    [TestCase("resolved", true)]
    [TestCase("Resolved", false)]
    [TestCase("opened", false)]
    [TestCase("", false)]
    public void IsResolved_OnlyForStatusResolved(string status, bool expected) =>
        Assert.That(new SupportCase { CaseId = "c", Json = "{}", Status = status }.IsResolved, Is.EqualTo(expected));

    [Test]
    public void TryRead_OptionalFieldsMissingOrNotStrings_AreEmpty()
    {
        var sut = TryRead("""{"caseId":"c","displayId":1,"recentCommunications":{"communications":[{"body":null}]}}""")!;

        Assert.That((sut.DisplayId, sut.Subject, sut.OpeningText, sut.TimeCreatedText), Is.EqualTo(("", "", "", "")));
    }

    [Test]
    public void Read_NoCaseId_SaysSo()
    {
        using var document = JsonDocument.Parse("""{"subject":"s"}""");

        var error = Assert.Throws<MessageParseException>(() => SupportCase.Read(document.RootElement));

        Assert.That(error!.Message, Is.EqualTo("not a support case: no caseId"));
    }
}
