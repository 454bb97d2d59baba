
using MailGate.Core.Facts;
using MailGate.Core.Parse;
using MailGate.Core.Rules;

namespace MailGate.Core.Tests.Facts;

/// <summary>
/// The registry gives the names and values the rules' former tables gave (MessageFields,
/// TemplatePlaceholders): the same "expected one of" lists, and each placeholder writing what it wrote.
/// </summary>
public sealed class FieldsTests
{
    private static readonly MessageFacts Mail = new()
    {
        SpoolId = "019a7f3c2b10-5e0c9a1f",
        Sender = "author@example.com",
        From = "group@example.com",
        Recipients = ["first@example.com", "second@example.com"],
        To = ["a@example.com", "b@example.com"],
        Cc = ["c@example.com", "d@example.com"],
        Subject = "Abuse report",
        MessageId = "id@example.com",
        ContentHash = "abc",
        AccountId = "123456789012",
        OtherAccounts = [new AccountInfo("210987654321", "", "")],
    };

    private static readonly MessageFacts Case = new()
    {
        SpoolId = "s",
        Subject = "Case",
        Case = new SupportCaseFacts { CaseId = "case-123456789012-muen-2026-7c0ff3e8a1b2c3d4", DisplayId = "1" },
    };

    [Test]
    public void ConditionNames_AreTodaysList()
    {
        Assert.That(Fields.ConditionNames, Is.EqualTo(
            "sender, from, envelope_from, recipient, to, cc, subject, body, list_id, message_id, account_id, account_ids, account_name, header, authenticated, "
            + "source, case_id, display_id, category, service, severity, status, submitted_by, language, time_created, account_email, "
            + "event_arn, event_type_code, region, start_time, last_updated_time, description"));
    }

    [Test]
    public void PlaceholderNames_AreTodaysList()
    {
        Assert.That(Fields.PlaceholderNames, Is.EqualTo(new[]
        {
            "subject", "sender", "from", "envelope_from", "recipient", "to", "cc", "list_id", "message_id", "message_key", "spool_id", "rule", "account", "account_id", "account_ids", "account_name", "account_owner",
            "source", "case_id", "display_id", "category", "service", "severity", "status", "submitted_by", "language", "time_created", "account_email", "case_url",
            "event_arn", "event_type_code", "region", "start_time", "last_updated_time", "description",
        }));
    }

    [TestCase("recipient", "first@example.com")]
    [TestCase("to", "a@example.com,b@example.com")]
    [TestCase("cc", "c@example.com,d@example.com")]
    [TestCase("account_ids", "123456789012, 210987654321")]
    [TestCase("account", "123456789012, 210987654321")]
    [TestCase("message_key", "id@example.com")]
    [TestCase("rule", "the-rule")]
    [TestCase("source", "mail")]
    [TestCase("case_id", "")]
    [TestCase("case_url", "")]
    public void Placeholder_Mail_WritesTodaysValue(string name, string expected)
    {
        Assert.That(Fields.Placeholder(name)!.TemplateText(Mail, "the-rule"), Is.EqualTo(expected));
    }

    [TestCase("recipient", "")]
    [TestCase("account", "unknown account")]
    [TestCase("message_key", "case:case-123456789012-muen-2026-7c0ff3e8a1b2c3d4")]
    [TestCase("source", "support-case")]
    [TestCase("case_url", "https://console.aws.amazon.com/support/home#/case/?displayId=1&language=en")]
    [TestCase("display_id", "1")]
    [TestCase("envelope_from", "")]
    public void Placeholder_SupportCase_WritesTodaysValue(string name, string expected)
    {
        Assert.That(Fields.Placeholder(name)!.TemplateText(Case, "r"), Is.EqualTo(expected));
    }

    [Test]
    public void Placeholder_MessageKey_IsTheDedupIdentity()
    {
        var noId = Mail with { MessageId = "" };
        Assert.That(
            new[] { Mail, noId, Case }.Select(f => Fields.MessageKey.TemplateText(f, "r")),
            Is.EqualTo(new[] { Mail, noId, Case }.Select(DedupKeys.Identity)));
    }

    [TestCase("recipient", new[] { "first@example.com", "second@example.com" })]
    [TestCase("to", new[] { "a@example.com", "b@example.com" })]
    [TestCase("account_ids", new[] { "123456789012", "210987654321" })]
    public void Condition_ListField_ReadsEveryValue(string name, string[] expected)
    {
        Assert.That(Fields.Condition(name)!.Values(Mail, null), Is.EqualTo(expected));
    }

    [TestCase("authenticated")]
    [TestCase("account")]
    [TestCase("message_key")]
    [TestCase("date")]
    [TestCase("case_url")]
    [TestCase("nope")]
    public void Condition_NotAConditionField_IsNull(string name)
    {
        Assert.That(Fields.Condition(name), Is.Null);
    }

    [TestCase("body")]
    [TestCase("header")]
    [TestCase("authenticated")]
    [TestCase("date")]
    [TestCase("received_at")]
    public void Placeholder_NotAPlaceholderField_IsNull(string name)
    {
        Assert.That(Fields.Placeholder(name), Is.Null);
    }

    [Test]
    public void All_IndexIsPositionAndNamesAreUnique()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Fields.All.Select(f => f.Index), Is.EqualTo(Enumerable.Range(0, Fields.All.Count)));
            Assert.That(Fields.All.Select(f => f.Name), Is.Unique);
            Assert.That(Fields.All.Select(f => Fields.Named(f.Name)), Is.EqualTo(Fields.All));
        });
    }
}
