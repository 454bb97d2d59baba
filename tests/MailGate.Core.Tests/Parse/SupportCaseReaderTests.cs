using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Storage;
using System.Text;
using System.Text.Json;

namespace MailGate.Core.Tests.Parse;

[TestFixture]
public class SupportCaseReaderTests
{
    private static readonly DateTimeOffset FoundAt = new(2026, 11, 28, 14, 0, 5, TimeSpan.Zero);

    private static string FixturePath(string name) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "support-cases", name);

    private static Envelope Polled(string account = "123456789012", string name = "prod-payments", string language = "en") =>
        Envelope.ForSupportCase(new SupportCaseOrigin(account, name, $"aws-root-{account}@example.com", language), FoundAt);

    [Test]
    public void Read_DescribeCasesResponse_GivesTheCaseFields()
    {
        using var stream = File.OpenRead(FixturePath("security-case-urgent-by-aws.json"));

        var facts = SupportCaseReader.Read("0001", Polled(), stream);

        var supportCase = facts.Case!;
        Assert.Multiple(() =>
        {
            Assert.That(facts.Source, Is.EqualTo("support-case"));
            Assert.That(supportCase.CaseId, Is.EqualTo("case-123456789012-muen-2026-7c0ff3e8a1b2c3d4"));
            Assert.That(supportCase.DisplayId, Is.EqualTo("178012345601"));
            Assert.That(supportCase.Category, Is.EqualTo("security"));
            Assert.That(supportCase.Service, Is.EqualTo("aws-identity-and-access-management"));
            Assert.That(supportCase.Severity, Is.EqualTo("urgent"));
            Assert.That(supportCase.Status, Is.EqualTo("opened"));
            Assert.That(supportCase.SubmittedBy, Is.EqualTo("aws-security-team@amazon.com"));
            Assert.That(supportCase.Language, Is.EqualTo("en"));
            Assert.That(supportCase.TimeCreated, Is.EqualTo("2026-11-28T13:58:07.412Z"));
            Assert.That(supportCase.AccountEmail, Is.EqualTo("aws-root-123456789012@example.com"));
            Assert.That(supportCase.ConsoleUrl, Is.EqualTo("https://console.aws.amazon.com/support/home#/case/?displayId=178012345601&language=en"));
            Assert.That(facts.Subject, Is.EqualTo("Your AWS Account 123456789012 may be compromised"));
            Assert.That(facts.Sender, Is.EqualTo("aws-security-team@amazon.com"));
            Assert.That(facts.Body, Does.StartWith("Hello,\n\nWe have become aware that the AWS Access Key"));
            Assert.That(facts.AccountId, Is.EqualTo("123456789012"));
            Assert.That(facts.AccountName, Is.EqualTo("prod-payments"));
            Assert.That(facts.Account, Is.EqualTo("prod-payments (123456789012)"));
            Assert.That(facts.Date, Is.EqualTo(new DateTimeOffset(2026, 11, 28, 13, 58, 7, 412, TimeSpan.Zero)));
            Assert.That(facts.ReceivedAt, Is.EqualTo(FoundAt));
            Assert.That(facts.MessageId, Is.Empty);
            Assert.That(facts.Recipients, Is.Empty);
        });
    }

    [Test]
    public void Read_JapaneseCase_BodyIsTheFirstCommunicationNotTheLatest()
    {
        using var stream = File.OpenRead(FixturePath("security-case-japanese-critical.json"));

        var facts = SupportCaseReader.Read("0002", Polled("210987654321", "sandbox", "ja"), stream);

        Assert.Multiple(() =>
        {
            Assert.That(facts.Subject, Is.EqualTo("お客様の AWS アカウントで不審なアクティビティが検出されました"));
            Assert.That(facts.Body, Is.EqualTo("お客様の EC2 インスタンス i-0123456789abcdef0 から外部への攻撃的な通信が確認されました。"));
            Assert.That(facts.Case!.Language, Is.EqualTo("ja"));
            Assert.That(facts.Case.Status, Is.EqualTo("pending-customer-action"));
        });
    }

    [TestCase("case-123456789012-muen-2026-7c0ff3e8a1b2c3d4", "123456789012")]
    [TestCase("case-12345678910-2013-c4c1d2bf33c5cf47", "")]
    [TestCase("case-1234567890123-x", "")]
    [TestCase("not-a-case", "")]
    [TestCase("", "")]
    public void AccountOf_TheCaseIdNamesTheAccount(string caseId, string expected) =>
        Assert.That(SupportCaseReader.AccountOf(caseId), Is.EqualTo(expected));

    [Test]
    public void ToFacts_WithoutAnOrigin_TakesTheAccountFromTheCaseId()
    {
        using var document = JsonDocument.Parse("""{"caseId":"case-999988887777-muen-2026-00aa","subject":"s"}""");
        var envelope = Envelope.ForMail("", [], FoundAt, null, null);

        var facts = SupportCaseReader.ToFacts(SupportCase.Read(document.RootElement), "x", envelope);

        Assert.That((facts.AccountId, facts.AccountName, facts.Case!.Language), Is.EqualTo(("999988887777", "", "")));
    }

    [TestCase("""{"cases":[{"caseId":"case-1"},{"caseId":"case-2"}]}""", 2)]
    [TestCase("""[{"caseId":"case-1"}]""", 1)]
    [TestCase("""{"caseId":"case-1"}""", 1)]
    public void Cases_AcceptsAResponseAnArrayOrOneCase(string json, int expected)
    {
        using var document = JsonDocument.Parse(json);
        Assert.That(SupportCaseReader.Cases(document.RootElement), Has.Count.EqualTo(expected));
    }

    [TestCase("""{"cases":[]}""", "not a support case")]
    [TestCase("""[]""", "not a support case")]
    [TestCase("""[1, 2]""", "not a support case")]
    [TestCase("""42""", "not a support case")]
    [TestCase("""{"subject":"no id"}""", "no caseId")]
    [TestCase("""{"caseId": 7}""", "no caseId")]
    [TestCase("""{"caseId":"case-1",""", "not JSON")]
    [TestCase("""{"cases":[{"caseId":"a"},{"caseId":"b"}]}""", "expected one support case, found 2")]
    public void Read_BadInput_SaysWhy(string json, string expected)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));

        var error = Assert.Throws<MessageParseException>(() => SupportCaseReader.Read("x", Polled(), stream));

        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void Read_MissingOptionalFields_AreEmptyNotNull()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("""{"caseId":"case-123456789012-a","recentCommunications":{"communications":[{"body":null}]},"timeCreated":"yesterday"}"""));

        var facts = SupportCaseReader.Read("x", Polled(), stream);

        Assert.Multiple(() =>
        {
            Assert.That(facts.Subject, Is.Empty);
            Assert.That(facts.Body, Is.Empty);
            Assert.That(facts.Case!.Severity, Is.Empty);
            Assert.That(facts.Case.Language, Is.EqualTo("en"), "the language polled");
            Assert.That(facts.Date, Is.Null);
            Assert.That(facts.Case.ConsoleUrl, Is.Empty, "no display id, no link");
        });
    }

    [Test]
    public void Read_HugeBody_IsCutWithoutSplittingASurrogatePair()
    {
        var body = new string('a', SupportCaseReader.MaxBodyChars - 1) + "😀tail";
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["caseId"] = "case-123456789012-a",
            ["recentCommunications"] = new Dictionary<string, object> { ["communications"] = new[] { new Dictionary<string, string> { ["body"] = body } } },
        });
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));

        var facts = SupportCaseReader.Read("x", Polled(), stream);

        Assert.That(facts.Body, Has.Length.EqualTo(SupportCaseReader.MaxBodyChars - 1));
    }
}
