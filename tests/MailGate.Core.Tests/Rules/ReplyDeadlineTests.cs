using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

/// <summary>Issue 12 §8: by when a notice must be answered — what it states, else receipt + reply_within.</summary>
[TestFixture]
public class ReplyDeadlineTests
{
    /// <summary>A Monday.</summary>
    private static readonly DateTimeOffset Received = new(2026, 11, 16, 10, 0, 0, TimeSpan.Zero);

    private const string Default = "24h after receipt (the rule's reply_within)";

    [TestCase("Please reply within 24 hours with the actions you took.", "2026-11-17T10:00:00Z", "stated: \"within 24 hours\"")]
    [TestCase("reply within twenty-four (24) hours", "2026-11-17T10:00:00Z", "stated: \"within twenty-four (24) hours\"")]
    [TestCase("WITHIN 48 HOURS", "2026-11-18T10:00:00Z", "stated: \"WITHIN 48 HOURS\"")]
    [TestCase("within 12h", "2026-11-16T22:00:00Z", "stated: \"within 12h\"")]
    [TestCase("within the next 3 days", "2026-11-19T10:00:00Z", "stated: \"within the next 3 days\"")]
    [TestCase("within 5 business days", "2026-11-23T10:00:00Z", "stated: \"within 5 business days\"")]
    [TestCase("within two working days", "2026-11-18T10:00:00Z", "stated: \"within two working days\"")]
    [TestCase("within 48 hours, and in any case within 24 hours", "2026-11-18T10:00:00Z", "stated: \"within 48 hours\"")]
    [TestCase("Respond by November 18, 2026 or the instance is stopped.", "2026-11-18", "stated: \"by November 18, 2026\"")]
    [TestCase("by Wednesday, Nov. 18th, 2026", "2026-11-18", "stated: \"by Wednesday, Nov. 18th, 2026\"")]
    [TestCase("no later than 18 November 2026 17:30 GMT", "2026-11-18T17:30:00Z", "stated: \"no later than 18 November 2026 17:30 GMT\"")]
    [TestCase("by Nov 18, 2026 at 5:30 PM UTC.", "2026-11-18T17:30:00Z", "stated: \"by Nov 18, 2026 at 5:30 PM UTC\"")]
    [TestCase("by Nov 18, 2026 10:00 (UTC)", "2026-11-18T10:00:00Z", "stated: \"by Nov 18, 2026 10:00 (UTC)\"")]
    [TestCase("by 2026-11-18 10:00 +09:00", "2026-11-18T01:00:00Z", "stated: \"by 2026-11-18 10:00 +09:00\"")]
    [TestCase("before 2026-11-18T09:00", "2026-11-18T09:00:00Z", "stated: \"before 2026-11-18T09:00\"")]
    [TestCase("until 2026-11-18.", "2026-11-18", "stated: \"until 2026-11-18\"")]
    [TestCase("by November 18, 2026 5:00 PM PST", "2026-11-18", "stated: \"by November 18, 2026 5:00 PM PST\"")]
    [TestCase("by November 18, 2026 25:00 UTC", "2026-11-18", "stated: \"by November 18, 2026 25:00 UTC\"")]
    [TestCase("The activity started by November 3, 2019. Reply within 24 hours.", "2026-11-17T10:00:00Z", "stated: \"within 24 hours\"")]
    [TestCase("by February 30, 2027", "2026-11-17T10:00:00Z", Default)]
    [TestCase("within 0 hours", "2026-11-17T10:00:00Z", Default)]
    [TestCase("has been implicated in activity which resembles port scanning.", "2026-11-17T10:00:00Z", Default)]
    [TestCase("", "2026-11-17T10:00:00Z", Default)]
    public void Find_Notice_GivesTheDeadline(string text, string by, string basis)
    {
        Assert.That(ReplyDeadline.Find(text, Received, TimeSpan.FromHours(24)), Is.EqualTo(new ReplyDeadline(by, basis)));
    }

    [Test]
    public void Find_ReceivedInAnotherOffset_IsGivenInUtc()
    {
        var received = new DateTimeOffset(2026, 11, 16, 19, 0, 0, TimeSpan.FromHours(9));

        Assert.That(ReplyDeadline.Find("within 1 hour", received, TimeSpan.FromHours(24)).By, Is.EqualTo("2026-11-16T11:00:00Z"));
    }

    [Test]
    public void Find_StatementBeyondTheSearchedText_IsNotSeen()
    {
        var text = new string('x', ReplyDeadline.SearchedLength) + " within 1 hour";

        Assert.That(ReplyDeadline.Find(text, Received, TimeSpan.FromDays(2)), Is.EqualTo(new ReplyDeadline("2026-11-18T10:00:00Z", "2d after receipt (the rule's reply_within)")));
    }

    [TestCase("24h", 24 * 60)]
    [TestCase(" 2d ", 2 * 24 * 60)]
    [TestCase("90m", 90)]
    [TestCase("1H", 60)]
    [TestCase("0h", -1)]
    [TestCase("24", -1)]
    [TestCase("h", -1)]
    [TestCase("24x", -1)]
    [TestCase("-1h", -1)]
    [TestCase("1.5h", -1)]
    [TestCase("", -1)]
    public void TryParseDuration_Text_ParsesWholePositiveAmounts(string text, int minutes)
    {
        var ok = ReplyDeadline.TryParseDuration(text, out var span);

        Assert.That(ok ? (int)span.TotalMinutes : -1, Is.EqualTo(minutes));
    }

    [TestCase(24 * 60, "24h")]
    [TestCase(48 * 60, "2d")]
    [TestCase(90, "90m")]
    [TestCase(60, "1h")]
    public void Duration_Span_IsWrittenAsInRulesFiles(int minutes, string text)
    {
        Assert.That(ReplyDeadline.Duration(TimeSpan.FromMinutes(minutes)), Is.EqualTo(text));
    }

    [TestCase("reply_within: 24h\n    route: oncall", null)]
    [TestCase("reply_within: 1.5d\n    route: oncall", "'reply_within' must be a duration such as 24h, 2d or 90m, found '1.5d'")]
    [TestCase("reply_within: [24h]\n    route: oncall", "'reply_within' must be")]
    [TestCase("reply_within: 24h\n    action: drop", "'reply_within' has no effect on a drop rule")]
    public void Load_ReplyWithin_IsADurationOnAPageRule(string keys, string? error)
    {
        var yaml = TestRules.Head + $"  - name: t\n    {keys}\n";
        if (error is null)
        {
            Assert.That(TestRules.Parse(yaml).Rules[0].ReplyWithin, Is.EqualTo(TimeSpan.FromHours(24)));
            return;
        }

        Assert.That(TestRules.Errors(yaml).Single().Message, Does.StartWith(error));
    }

    [Test]
    public void Evaluate_RuleWithoutReplyWithin_HasNoDeadline()
    {
        var rules = TestRules.Parse(TestRules.Head + "  - name: t\n    route: oncall\n");

        Assert.That(TestRules.SingleMatch(rules, SomeFacts.Message() with { Body = "reply within 24 hours" }).ReplyBy, Is.Null);
    }
}
