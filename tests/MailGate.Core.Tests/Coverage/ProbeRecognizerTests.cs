using System.Text;
using MailGate.Core.Coverage;
using MailGate.Core.Decide;
using MailGate.Core.Parse;
using MailGate.Core.Tests.Parse.Support;

namespace MailGate.Core.Tests.Coverage;

/// <summary>
/// <see cref="ProbeRecognizer"/>: the token found in mail as Google Groups deliver it (header, folded subject,
/// quoted-printable body), verified as of its acceptance, and judged against the account's recorded arrival.
/// </summary>
[TestFixture]
public sealed class ProbeRecognizerTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(3);
    private static string Token => ProbeTokenTests.Token();

    /// <summary>A probe as a root group and the aggregation group deliver it: From rewritten, footer, two List-Ids.</summary>
    private static MessageFacts Delivered(string? header, string subject, string body, string transferEncoding = "7bit")
    {
        string[] lines =
        [
            "From: 'MailGate' via AWS root 123456789012 <aws-root-123456789012@example.com>",
            "X-Original-From: MailGate <mailgate-probe@example.com>",
            "To: aws-root-123456789012@example.com",
            "X-Original-To: aws-root-123456789012@example.com",
            "List-Id: <aws-root-123456789012.example.com>",
            "List-Id: AWS roots <aws-roots.example.com>",
            "Message-ID: <probe-1@example.com>",
            "Subject: " + subject,
            .. header is null ? Array.Empty<string>() : [$"{ProbeToken.HeaderName}: {header}"],
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: " + transferEncoding,
        ];
        return Mail.Parse(Mail.Message(body, lines));
    }

    [Test]
    public void FindToken_InTheHeader_Found() =>
        Assert.That(ProbeRecognizer.FindToken(Delivered(Token, "hello", "body")), Is.EqualTo(Token));

    [Test]
    public void FindToken_InAFoldedTaggedSubject_Found()
    {
        var facts = Delivered(null, $"[aws-root-123456789012] MailGate coverage probe\r\n {Token}", "body");

        Assert.That(ProbeRecognizer.FindToken(facts), Is.EqualTo(Token));
    }

    [Test]
    public void FindToken_InAQuotedPrintableBodySplitBySoftBreaks_Found()
    {
        var qp = string.Concat(Token.Chunk(20).Select(c => new string(c) + "=\r\n")) + "\r\n-- \r\nYou received this message because you are subscribed to the Google Groups group.";
        var facts = Delivered(null, "no token here", "Probe=3A " + qp, "quoted-printable");

        Assert.That(ProbeRecognizer.FindToken(facts), Is.EqualTo(Token));
    }

    [Test]
    public void FindToken_HeaderForgedButBodyValid_HeaderWins()
    {
        var forged = ProbeTokenTests.Token(key: Encoding.UTF8.GetBytes("someone-elses-key-0123"));
        var facts = Delivered(forged, "s", Token);

        Assert.That(ProbeRecognizer.FindToken(facts), Is.EqualTo(forged));
    }

    [Test]
    public void FindToken_ABounceQuotingAProbe_NotAProbe()
    {
        string[] lines =
        [
            "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
            "To: mailgate-probe@example.com",
            "Subject: Delivery Status Notification (Failure)",
            "Message-ID: <dsn-1@example.com>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=b1",
        ];
        var body = $"--b1\r\nContent-Type: text/plain\r\n\r\nYour message \"MailGate coverage probe {Token}\" to aws-root-123456789012@example.com was not delivered\r\n" +
            $"--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n{ProbeToken.HeaderName}: {Token}\r\nSubject: MailGate coverage probe {Token}\r\n--b1--\r\n";
        var facts = Mail.Parse(Mail.Message(body, lines));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ProbeRecognizer.FindToken(facts), Is.Null, "a bounce of the probe must not count as its arrival");
            Assert.That(ProbeRecognizer.FindToken(Delivered(null, "Delivery Status Notification", $"{Token}")), Is.EqualTo(Token), "the same token in ordinary mail is found");
        }
    }

    [Test]
    public void FindToken_OrdinaryMail_Null() =>
        Assert.That(ProbeRecognizer.FindToken(Delivered(null, "Your AWS Abuse Report", "AWS ID: 123456789012")), Is.Null);

    [Test]
    public void Check_OrdinaryMail_NotAProbeAtAll() =>
        Assert.That(ProbeRecognizer.Check(Delivered(null, "s", "b"), ProbeTokenTests.Key, MaxAge), Is.Null);

    // previous: none, the same probe, an older one, a newer one. Mail.ReceivedAt is 10 minutes after ProbeTokenTests.SentAt.
    [TestCase("none", ProbeResult.Valid, TestName = "Recognize_FirstArrival_Valid")]
    [TestCase("older", ProbeResult.Valid, TestName = "Recognize_AfterAnOlderProbe_Valid")]
    [TestCase("same", ProbeResult.Replayed, TestName = "Recognize_SameProbeAgain_Replayed")]
    [TestCase("newer", ProbeResult.Replayed, TestName = "Recognize_OlderThanTheRecorded_Replayed")]
    [TestCase("newer by 4 minutes", ProbeResult.Replayed, TestName = "Recognize_OlderThanTheRecorded_NotInTheFuture_Replayed")]
    [TestCase("from a clock set back", ProbeResult.Valid, TestName = "Recognize_RecordedSendTimeInTheFuture_ClockSetBack_Valid")]
    [TestCase("same, from a clock set back", ProbeResult.Replayed, TestName = "Recognize_SameProbeAgain_ClockSetBack_Replayed")]
    public void Recognize_AgainstTheRecordedArrival(string previous, ProbeResult expected)
    {
        var facts = Delivered(Token, "s", "b");
        var recorded = previous switch
        {
            "none" => null,
            "same" => Arrival(ProbeTokenTests.Probe, ProbeTokenTests.SentAt),
            "older" => Arrival("fedcba9876543210", ProbeTokenTests.SentAt.AddDays(-1)),
            "newer by 4 minutes" => Arrival("fedcba9876543210", ProbeTokenTests.SentAt.AddMinutes(14)), // 4 min after this mail's acceptance
            "from a clock set back" => Arrival("fedcba9876543210", ProbeTokenTests.SentAt.AddHours(6)), // recorded by a clock 6 h ahead
            "same, from a clock set back" => Arrival(ProbeTokenTests.Probe, ProbeTokenTests.SentAt.AddHours(6)),
            _ => Arrival("fedcba9876543210", ProbeTokenTests.SentAt.AddMinutes(1)),
        };

        var sut = ProbeRecognizer.Recognize(facts, ProbeRecognizer.Check(facts, ProbeTokenTests.Key, MaxAge)!.Value, recorded);

        Assert.That(sut.Result, Is.EqualTo(expected));
        Assert.That(sut.Arrival is not null, Is.EqualTo(expected == ProbeResult.Valid));
    }

    [TestCase("forged", ProbeResult.Forged, "forged")]
    [TestCase("expired", ProbeResult.Expired, "expired")]
    [TestCase("valid", ProbeResult.Valid, "valid")]
    public void Recognize_Verdicts_ResultAndLabel(string kind, ProbeResult expected, string label)
    {
        var token = kind switch
        {
            "forged" => ProbeTokenTests.Token(key: Encoding.UTF8.GetBytes("someone-elses-key-0123")),
            "expired" => ProbeTokenTests.Token(sentAt: ProbeTokenTests.SentAt.AddHours(-4)),
            _ => Token,
        };
        var facts = Delivered(token, "s", "b");

        var sut = ProbeRecognizer.Recognize(facts, ProbeRecognizer.Check(facts, ProbeTokenTests.Key, MaxAge)!.Value, null);

        Assert.That((sut.Result, sut.Label), Is.EqualTo((expected, label)));
    }

    [Test]
    public void Recognize_Valid_ArrivalRecordsThePath()
    {
        var facts = Delivered(Token, "s", "b");

        var arrival = ProbeRecognizer.Recognize(facts, ProbeRecognizer.Check(facts, ProbeTokenTests.Key, MaxAge)!.Value, null).Arrival!;

        Assert.Multiple(() =>
        {
            Assert.That((arrival.AccountId, arrival.ProbeId, arrival.SentAt), Is.EqualTo((ProbeTokenTests.Account, ProbeTokenTests.Probe, ProbeTokenTests.SentAt)));
            Assert.That(arrival.ArrivedAt, Is.EqualTo(Mail.ReceivedAt));
            Assert.That(arrival.Latency, Is.EqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(arrival.ListIds, Is.EqualTo(new[] { "aws-root-123456789012.example.com", "aws-roots.example.com" }));
            Assert.That(arrival.Recipients, Is.EqualTo(new[] { "mailgate@example.com" }));
            Assert.That(arrival.OriginalTo, Is.EqualTo("aws-root-123456789012@example.com"));
            Assert.That(arrival.ArcVerified, Is.False, "no ARC seal on a hand-made message");
        });
    }

    [Test]
    public void Arrival_Document_RoundTrips()
    {
        var facts = Delivered(Token, "s", "b");
        var arrival = ProbeRecognizer.Recognize(facts, ProbeRecognizer.Check(facts, ProbeTokenTests.Key, MaxAge)!.Value, null).Arrival!;

        var read = CoverageDocuments.Read<ProbeArrival>(CoverageDocuments.Write(arrival))!;

        Assert.That((read.ProbeId, read.SentAt, read.ArrivedAt, read.OriginalTo, read.ListIds.Count), Is.EqualTo((arrival.ProbeId, arrival.SentAt, arrival.ArrivedAt, arrival.OriginalTo, 2)));
    }

    private static ProbeArrival Arrival(string probe, DateTimeOffset sentAt) => new()
    {
        AccountId = ProbeTokenTests.Account,
        ProbeId = probe,
        SentAt = sentAt,
        ArrivedAt = sentAt.AddMinutes(3),
    };
}
