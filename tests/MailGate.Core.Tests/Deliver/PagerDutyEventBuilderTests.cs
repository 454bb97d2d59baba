using MailGate.Core.Deliver;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using System.Text.Json;

namespace MailGate.Core.Tests.Deliver;

[TestFixture]
public sealed class PagerDutyEventBuilderTests
{
    private static readonly DateTimeOffset Received = new(2026, 11, 10, 11, 14, 7, TimeSpan.Zero);

    private static MessageFacts Facts(string subject = "Your AWS Abuse Report", string body = "AWS ID: 123456789012") => new()
    {
        SpoolId = "019a7f3c2b10-5e0c9a1f",
        Sender = "ec2-abuse@amazon.com",
        From = "aws-root-1@example.com",
        EnvelopeFrom = "aws-root-1+bnc@example.com",
        Recipients = ["aws-abuse@mailgate.example.com"],
        Subject = subject,
        Body = body,
        ListId = "aws-root-1.example.com",
        MessageId = "abc@amazon.com",
        ReceivedAt = Received,
    };

    private static RuleMatch Match(string summary = "Your AWS Abuse Report", string severity = "critical") =>
        new("aws-abuse-report", "security-oncall", severity, summary, "mailgate-aws-abuse-report-0123", new Dictionary<string, string> { ["account_id"] = "123456789012" });

    [Test]
    public void Build_TypicalMatch_FillsEveryField()
    {
        var built = PagerDutyEventBuilder.Build(Facts(), Match(), "e6fc643d135b");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(built.RoutingKey, Is.Null, "the routing key is added only when sending");
            Assert.That(built.EventAction, Is.EqualTo("trigger"));
            Assert.That(built.DedupKey, Is.EqualTo("mailgate-aws-abuse-report-0123"));
            Assert.That(built.Client, Is.EqualTo("MailGate"));
            Assert.That(built.Payload.Summary, Is.EqualTo("Your AWS Abuse Report"));
            Assert.That(built.Payload.Source, Is.EqualTo("ec2-abuse@amazon.com"));
            Assert.That(built.Payload.Severity, Is.EqualTo("critical"));
            Assert.That(built.Payload.Timestamp, Is.EqualTo("2026-11-10T11:14:07.0000000+00:00"));
            Assert.That(built.Payload.Component, Is.EqualTo("email"));
            Assert.That(built.Payload.Group, Is.EqualTo("aws-root-1.example.com"));
            Assert.That(built.Payload.Class, Is.EqualTo("aws-abuse-report"));
            Assert.That(built.Payload.CustomDetails!.RulesVersion, Is.EqualTo("e6fc643d135b"));
            Assert.That(built.Payload.CustomDetails.Extracted["account_id"], Is.EqualTo("123456789012"));
            Assert.That(built.Payload.CustomDetails.Text("spool_id"), Is.EqualTo("019a7f3c2b10-5e0c9a1f"));
        }
    }

    [Test]
    public void Build_MessageWithDate_UsesTheDateAsTimestamp()
    {
        var date = new DateTimeOffset(2026, 11, 10, 3, 0, 0, TimeSpan.FromHours(-8));
        var built = PagerDutyEventBuilder.Build(Facts() with { Date = date }, Match(), "v");
        Assert.That(built.Payload.Timestamp, Is.EqualTo("2026-11-10T03:00:00.0000000-08:00"));
    }

    [TestCase(10, 10)]
    [TestCase(1024, 1024)]
    [TestCase(1025, 1024)]
    [TestCase(100_000, 1024)]
    public void Build_LongSummary_IsCutTo1024WithAnEllipsis(int length, int expected)
    {
        var built = PagerDutyEventBuilder.Build(Facts(), Match(summary: new string('s', length)), "v");

        Assert.That(built.Payload.Summary, Has.Length.EqualTo(expected));
        Assert.That(built.Payload.Summary.EndsWith('…'), Is.EqualTo(length > 1024));
    }

    [TestCase("line one\r\nline two", "line one line two")]
    [TestCase("  tabs\tand\n\nnewlines  ", "tabs and newlines")]
    [TestCase("plain", "plain")]
    [TestCase("Your AWS Abuse\tReport [1]\u00A0[AWS ID 123456789012]", "Your AWS Abuse Report [1] [AWS ID 123456789012]")]
    [TestCase("a\u2028b\u3000\u200Bc", "a b c")]
    public void Build_SummaryWithLineBreaks_IsOneLine(string summary, string expected) =>
        Assert.That(PagerDutyEventBuilder.Build(Facts(), Match(summary: summary), "v").Payload.Summary, Is.EqualTo(expected));

    /// <summary>Issue 12 §2: the incident shows the subject as rules saw it.</summary>
    [Test]
    public void Build_TabFoldedSubject_SummaryAndDetailsShowItNormalised()
    {
        var built = PagerDutyEventBuilder.Build(Facts(subject: "Your AWS Abuse\tReport [12345678]"), Match(summary: "Your AWS Abuse\tReport [12345678]"), "v");

        Assert.Multiple(() =>
        {
            Assert.That(built.Payload.Summary, Is.EqualTo("Your AWS Abuse Report [12345678]"));
            Assert.That(built.Payload.CustomDetails!.Text("subject"), Is.EqualTo("Your AWS Abuse Report [12345678]"));
        });
    }

    /// <summary>Issue 12 §8: the reply deadline goes into custom details, and only for rules that set one.</summary>
    [Test]
    public void Build_MatchWithReplyDeadline_PutsItIntoCustomDetails()
    {
        var withDeadline = Match() with { ReplyBy = new ReplyDeadline("2026-11-11T11:14:07Z", "24h after receipt (the rule's reply_within)") };

        var built = PagerDutyEventBuilder.Build(Facts(), withDeadline, "v");
        var json = JsonSerializer.Serialize(built, PagerDutyJsonContext.Default.PagerDutyEvent);
        var without = JsonSerializer.Serialize(PagerDutyEventBuilder.Build(Facts(), Match(), "v"), PagerDutyJsonContext.Default.PagerDutyEvent);

        Assert.Multiple(() =>
        {
            Assert.That(json, Does.Contain("\"reply_by\":\"2026-11-11T11:14:07Z\""));
            Assert.That(json, Does.Contain("\"reply_by_basis\":\"24h after receipt (the rule\\u0027s reply_within)\""));
            Assert.That(without, Does.Not.Contain("reply_by"));
        });
    }

    [Test]
    public void Truncate_AtASurrogatePair_NeverSplitsIt()
    {
        var text = new string('a', 9) + "😀" + "tail";
        var cut = PagerDutyEventBuilder.Truncate(text, 11);
        Assert.That(cut, Is.EqualTo(new string('a', 9) + "…"));
    }

    [Test]
    public void Build_HugeBody_IsBoundedAndFlagged()
    {
        var body = new string('b', 5_000_000);
        var built = PagerDutyEventBuilder.Build(Facts(body: body), Match(), "v");

        Assert.That(built.Payload.CustomDetails!.Text("body"), Has.Length.EqualTo(PagerDutyLimits.BodyExcerptLength));
        Assert.That(built.Payload.CustomDetails.Facts["body_truncated"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public void Build_HostileMessage_StaysFarBelowTheApiSizeLimit()
    {
        var huge = new string('h', 1_000_000);
        var facts = Facts(subject: huge, body: huge) with
        {
            Sender = huge,
            From = huge,
            ListId = huge,
            MessageId = huge,
            Recipients = Enumerable.Range(0, 10_000).Select(i => $"{huge[..500]}{i}@example.com").ToArray(),
        };
        var extracted = Enumerable.Range(0, 1000).ToDictionary(i => $"k{i}", _ => huge);
        var match = new RuleMatch("r", "route", "critical", huge, "key", extracted);

        var json = JsonSerializer.SerializeToUtf8Bytes(PagerDutyEventBuilder.Build(facts, match, "v"), PagerDutyJsonContext.Default.PagerDutyEvent);

        Assert.That(json, Has.Length.LessThan(256 * 1024), "PagerDuty refuses requests over 512 KB");
    }

    private static readonly JsonSerializerOptions Relaxed = new(PagerDutyJsonContext.Default.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string Hostile = "\u001b[2J\u001b[31mPWNED\u001b[0m \u202Efdp.exe \u2066x\u2069 \u200E\u200F\u061C a\u2028b\u2029c\u0085d\u007f\0";

    [Test]
    public void Build_HostileTextEverywhere_NoControlOrBidiCharacterInAnyString()
    {
        var facts = Facts(subject: Hostile, body: "line 1\n\tline 2\r\n" + Hostile) with
        {
            Sender = "a" + Hostile + "@example.com",
            From = Hostile,
            EnvelopeFrom = Hostile,
            Recipients = [Hostile],
            ListId = Hostile,
            MessageId = Hostile,
            AccountName = Hostile,
            AccountOwner = Hostile,
        };
        var match = new RuleMatch("rule" + Hostile, "route", "critical", "summary " + Hostile, "key-" + Hostile, new Dictionary<string, string> { ["x" + Hostile] = Hostile });

        var json = JsonSerializer.Serialize(PagerDutyEventBuilder.Build(facts, match, "v" + Hostile), Relaxed);
        var strings = Strings(JsonDocument.Parse(json).RootElement).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(strings, Has.Count.GreaterThan(20));
            foreach (var (path, value) in strings)
            {
                var keep = path.EndsWith(".body", StringComparison.Ordinal) ? "\n\t" : "";
                Assert.That(UntrustedText.NeedsEscape(value, keep), Is.False, path + ": " + value);
            }
        }
    }

    [Test]
    public void Build_HostileSubject_SummaryShowsTheEscapes()
    {
        var built = PagerDutyEventBuilder.Build(Facts(), Match(summary: "Abuse \u001b[2J\u202Ereport\u2028x"), "v");

        // U+2028 is white space: the one-line title folds it into a space (as rules see it); the rest is escaped.
        Assert.That(built.Payload.Summary, Is.EqualTo("Abuse \\u001B[2J\\u202Ereport x"));
    }

    [Test]
    public void Build_BodyKeepsLineBreaksAndTabsOnly()
    {
        var built = PagerDutyEventBuilder.Build(Facts(body: "a\n\tb\u001bc\u202Ed"), Match(), "v");

        Assert.That(built.Payload.CustomDetails!.Text("body"), Is.EqualTo("a\n\tb\\u001Bc\\u202Ed"));
    }

    [Test]
    public void Build_190KbFoldedSubject_SummaryAndSubjectStayBounded()
    {
        var subject = string.Concat(Enumerable.Repeat("Abuse report \u001b[2J ", 190 * 1024 / 20));
        var built = PagerDutyEventBuilder.Build(Facts(subject: subject), Match(summary: subject), "v");

        Assert.That((built.Payload.Summary.Length, built.Payload.CustomDetails!.Text("subject")!.Length), Is.EqualTo((PagerDutyLimits.SummaryLength, PagerDutyLimits.FieldLength)));
    }

    [Test]
    public void Build_SeveralAccounts_DetailsListEveryId()
    {
        var facts = Facts() with { AccountId = "123456789012", OtherAccounts = [new AccountInfo("210987654321", "sandbox", "")] };

        var details = PagerDutyEventBuilder.Build(facts, Match(), "v").Payload.CustomDetails!;

        Assert.That((details.Text("account_id"), details.Facts["account_ids"]!.AsArray().Select(id => id!.GetValue<string>()), details.Text("account")), Is.EqualTo(("123456789012", new[] { "123456789012", "210987654321" }, "123456789012, sandbox (210987654321)")));
    }

    private static IEnumerable<(string Path, string Value)> Strings(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                yield return (path, element.GetString()!);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    yield return (path + "." + property.Name + "(key)", property.Name);
                    foreach (var inner in Strings(property.Value, path + "." + property.Name))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var inner in Strings(item, $"{path}[{i++}]"))
                    {
                        yield return inner;
                    }
                }

                break;
            default:
                break;
        }
    }

    [Test]
    public void Serialize_UsesTheApiFieldNames()
    {
        var built = PagerDutyEventBuilder.Build(Facts(), Match(), "v") with { RoutingKey = "R0123456789abcdef0123456789abcde" };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(built, PagerDutyJsonContext.Default.PagerDutyEvent));
        var root = json.RootElement;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(root.GetProperty("routing_key").GetString(), Is.EqualTo("R0123456789abcdef0123456789abcde"));
            Assert.That(root.GetProperty("event_action").GetString(), Is.EqualTo("trigger"));
            Assert.That(root.GetProperty("dedup_key").GetString(), Is.EqualTo("mailgate-aws-abuse-report-0123"));
            Assert.That(root.GetProperty("payload").GetProperty("custom_details").GetProperty("message_id").GetString(), Is.EqualTo("abc@amazon.com"));
            Assert.That(root.GetProperty("payload").GetProperty("custom_details").GetProperty("extracted").GetProperty("account_id").GetString(), Is.EqualTo("123456789012"));
        }
    }

    [Test]
    public void Serialize_WithoutRoutingKey_OmitsTheField()
    {
        var built = PagerDutyEventBuilder.Build(Facts(), Match(), "v");
        var json = JsonSerializer.Serialize(built, PagerDutyJsonContext.Default.PagerDutyEvent);
        Assert.That(json, Does.Not.Contain("routing_key"));
    }
}
