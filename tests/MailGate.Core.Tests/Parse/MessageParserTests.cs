using MailGate.Core.Parse;
using System.Globalization;
using System.Text;
using MailGate.Core.Tests.Parse.Support;
using MailGate.Tests.Shared;

namespace MailGate.Core.Tests.Parse;

[TestFixture]
public class MessageParserTests
{
    private const string From = "From: AWS <no-reply-aws@amazon.com>";
    private const string To = "To: aws-root-123456789012@example.com";

    [TestCase("=?UTF-8?B?w4RyZ2VyIMO8YmVyIGRpZSBSZWNobnVuZw==?=", "Ärger über die Rechnung")]
    [TestCase("=?utf-8?b?w4RyZ2VyIMO8YmVyIGRpZSBSZWNobnVuZw==?=", "Ärger über die Rechnung")]
    [TestCase("=?UTF-8?Q?Abuse_report_=E2=80=93_r=C3=A9sum=C3=A9?=", "Abuse report – résumé")]
    [TestCase("=?UTF-8?B?w4RyZ2Vy?= =?UTF-8?Q?_=C3=BCber?=", "Ärger über")]
    [TestCase("Re: =?UTF-8?Q?Caf=C3=A9?= [AWS ID 123456789012]", "Re: Café [AWS ID 123456789012]")]
    [TestCase("=?ISO-8859-1?Q?Gr=FC=DFe?=", "Grüße")]
    [TestCase("=?windows-1252?Q?=93quoted=94?=", "“quoted”")]
    [TestCase("=?iso-2022-jp?b?GyRCJUYlOSVIGyhC?=", "テスト")]
    [TestCase("=?Shift_JIS?B?g2WDWINn?=", "テスト")]
    [TestCase("  padded subject  ", "padded subject")]
    public void Parse_EncodedSubject_IsDecoded(string rawSubject, string expected)
    {
        var facts = Mail.Parse(Mail.Message("body", From, To, "Subject: " + rawSubject));

        Assert.That(facts.Subject, Is.EqualTo(expected));
    }

    [Test]
    public void Parse_Iso2022JpSubjectFixture_DecodesJapaneseExactly()
    {
        var facts = Mail.ParseFixture("subject-iso-2022-jp.eml");

        Assert.Multiple(() =>
        {
            Assert.That(facts.Subject, Is.EqualTo("【重要】AWS アカウントのセキュリティに関するお知らせ"));
            Assert.That(facts.Headers["Subject"], Is.EqualTo(new[] { "【重要】AWS アカウントのセキュリティに関するお知らせ" }));
        });
    }

    [TestCase("=?UTF-8?B?####?=")]
    [TestCase("=?UTF-8?B?w4RyZ2Vy")]
    [TestCase("=?UTF-8?Q?unterminated")]
    [TestCase("=?x-no-such-charset?Q?abc?=")]
    [TestCase("=?UTF-8?X?unknown-encoding?=")]
    [TestCase("=??B?YWJj?=")]
    [TestCase("=?iso-2022-jp?b?GyRCJEIk?=")]
    [TestCase("=?UTF-8?B?/w==?=")]
    [TestCase("=?UTF-8*ja?Q?with_language?=")]
    [TestCase("=?=?=?=?")]
    public void Parse_MalformedEncodedWord_DoesNotThrow(string rawSubject)
    {
        MessageFacts? facts = null;

        Assert.That(() => facts = Mail.Parse(Mail.Message("body", From, To, "Subject: " + rawSubject)), Throws.Nothing);
        Assert.That(facts!.Subject, Is.Not.Null);
    }

    [TestCase("Message-ID: <abc-123@example.com>", "abc-123@example.com")]
    [TestCase("Message-ID: abc-123@example.com", "abc-123@example.com")]
    [TestCase("Message-Id:   <abc-123@example.com>  ", "abc-123@example.com")]
    [TestCase("Message-ID: <abc-123@example.com> (comment)", "abc-123@example.com")]
    [TestCase("X-No-Message-Id: here", "")]
    public void Parse_MessageId_IsBareId(string header, string expected)
    {
        var facts = Mail.Parse(Mail.Message("body", From, To, header));

        Assert.That(facts.MessageId, Is.EqualTo(expected));
    }

    [TestCase("Date: Wed, 11 Nov 2026 10:20:09 +0000", "2026-11-11T10:20:09+00:00")]
    [TestCase("Date: Wed, 11 Nov 2026 02:20:09 -0800", "2026-11-11T02:20:09-08:00")]
    [TestCase("Date: 11 Nov 2026 10:20 GMT", "2026-11-11T10:20:00+00:00")]
    [TestCase("Date: Wed, 11 Nov 2026 19:20:09 +0900 (JST)", "2026-11-11T19:20:09+09:00")]
    public void Parse_Date_IsParsed(string header, string expected)
    {
        var facts = Mail.Parse(Mail.Message("body", From, To, header));

        Assert.That(facts.Date, Is.EqualTo(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture)));
    }

    [TestCase("X-No-Date: here")]
    [TestCase("Date: not a date")]
    [TestCase("Date: ")]
    public void Parse_DateAbsentOrInvalid_IsNull(string header)
    {
        var facts = Mail.Parse(Mail.Message("body", From, To, header));

        Assert.That(facts.Date, Is.Null);
    }

    [Test]
    public void Parse_ToAndCc_AreBareAddressesInOrder()
    {
        var facts = Mail.Parse(Mail.Message(
            "body",
            From,
            "To: \"Root, AWS\" <aws-root-123456789012@example.com>, security@example.com",
            "To: late@example.com",
            "Cc: Ops <ops@example.com>, undisclosed-recipients:;, Team: a@example.com, b@example.com;"));

        Assert.Multiple(() =>
        {
            Assert.That(facts.To, Is.EqualTo(new[] { "aws-root-123456789012@example.com", "security@example.com", "late@example.com" }));
            Assert.That(facts.Cc, Is.EqualTo(new[] { "ops@example.com", "a@example.com", "b@example.com" }));
        });
    }

    [Test]
    public void Parse_NoToOrCc_GivesEmptyLists()
    {
        var facts = Mail.Parse(Mail.Message("body", From, "Subject: hi"));

        Assert.Multiple(() =>
        {
            Assert.That(facts.To, Is.Empty);
            Assert.That(facts.Cc, Is.Empty);
            Assert.That(facts.ListId, Is.Empty);
            Assert.That(facts.MessageId, Is.Empty);
        });
    }

    [Test]
    public void Parse_Headers_CaseInsensitiveWithEveryValueInOrder()
    {
        var facts = Mail.Parse(Mail.Message(
            "body",
            From,
            "X-Trace: first",
            "Subject: =?UTF-8?Q?Caf=C3=A9?=",
            "x-trace: second",
            "X-TRACE:  third,",
            " folded",
            "X-Empty:"));

        Assert.Multiple(() =>
        {
            Assert.That(facts.Headers["x-trace"], Is.EqualTo(new[] { "first", "second", "third, folded" }));
            Assert.That(facts.Headers["X-Trace"], Is.SameAs(facts.Headers["X-TRACE"]));
            Assert.That(facts.Headers["SUBJECT"], Is.EqualTo(new[] { "Café" }));
            Assert.That(facts.Headers["x-empty"], Is.EqualTo(new[] { "" }));
            Assert.That(facts.Headers.ContainsKey("X-Absent"), Is.False);
        });
    }

    [Test]
    public void Parse_SameContentTwice_SameContentHash()
    {
        var raw = Mail.Message("Key line", From, To, "Subject: s", "Date: Wed, 11 Nov 2026 10:20:09 +0000");
        var first = Mail.Parse(raw);
        var second = Mail.ParseBytes(Encoding.UTF8.GetBytes(Mail.Crlf(raw)));

        Assert.That(second.ContentHash, Is.EqualTo(first.ContentHash).And.Match("^[0-9a-f]{64}$"));
    }

    [TestCase(10)]
    [TestCase(4095)]
    [TestCase(4096)]
    [TestCase(9000)]
    public void Parse_ContentHash_IsTheSha256OfAuthorDateSubjectAddressesAndBody(int emojiAt)
    {
        var body = new string('a', emojiAt) + "😀" + new string('b', 5000) + " \r\n\t c";
        var facts = Mail.Parse(Mail.Message(body, From, To, "Cc: Ops <OPS@example.com>", "Subject: s  t", "Date: Wed, 11 Nov 2026 10:20:09 +0000"));

        var date = facts.Date!.Value.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var whole = string.Join('\n', "content-v2", facts.Sender.ToLowerInvariant(), date, "s t", string.Join(',', facts.To).ToLowerInvariant(), "ops@example.com",
            new string('a', emojiAt) + "😀" + new string('b', 5000) + " c");
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(whole)));
        Assert.That(facts.ContentHash, Is.EqualTo(expected), "hashed in pieces, white space runs as one space, the same as hashing the whole text (dedup keys stay stable)");
    }

    [Test]
    public void Parse_OnlyTransportHeadersDiffer_SameContentHash()
    {
        var first = Mail.Parse(Mail.Message("Key line", "Received: by a", "Message-ID: <1@example.com>", From, To, "Subject: s", "Date: Wed, 11 Nov 2026 10:20:09 +0000"));
        var second = Mail.Parse(Mail.Message("Key line", "Received: by b", "Message-ID: <2@example.com>", From, To, "Subject: s", "Date: Wed, 11 Nov 2026 10:20:09 +0000"));

        Assert.That(second.ContentHash, Is.EqualTo(first.ContentHash));
    }

    [TestCase("From: other@amazon.com", "Subject: s", "Date: Wed, 11 Nov 2026 10:20:09 +0000", "Key line")]
    [TestCase(From, "Subject: t", "Date: Wed, 11 Nov 2026 10:20:09 +0000", "Key line")]
    [TestCase(From, "Subject: s", "Date: Wed, 11 Nov 2026 10:20:10 +0000", "Key line")]
    [TestCase(From, "Subject: s", "X-No-Date: x", "Key line")]
    [TestCase(From, "Subject: s", "Date: Wed, 11 Nov 2026 10:20:09 +0000", "Key line!")]
    public void Parse_DifferentContent_DifferentContentHash(string from, string subject, string date, string body)
    {
        var reference = Mail.Parse(Mail.Message("Key line", From, To, "Subject: s", "Date: Wed, 11 Nov 2026 10:20:09 +0000"));
        var other = Mail.Parse(Mail.Message(body, from, To, subject, date));

        Assert.That(other.ContentHash, Is.Not.EqualTo(reference.ContentHash));
    }

    [Test]
    public void Parse_HeaderSectionOverMaxHeaderBytes_ThrowsMessageParseException()
    {
        var padding = string.Concat(Enumerable.Repeat("X-Padding: " + new string('a', 100) + "\r\n", 3000));
        var raw = From + "\r\n" + padding + "\r\nbody";

        Assert.That(() => Mail.Parse(raw), Throws.TypeOf<MessageParseException>().With.Message.Contains("header section"));
    }

    [Test]
    public void Parse_OneFoldedHeaderOverMaxHeaderBytes_ThrowsMessageParseException()
    {
        var folded = "X-Folded: a" + string.Concat(Enumerable.Repeat("\r\n b", 2000));
        var options = new MessageParserOptions { MaxHeaderBytes = 4096 };

        Assert.That(() => Mail.Parse(Mail.Message("body", From, folded), options), Throws.TypeOf<MessageParseException>());
    }

    [Test]
    public void Parse_HeaderSectionJustWithinMaxHeaderBytes_Parses()
    {
        var raw = Mail.Message("body", From, "Subject: s");
        var options = new MessageParserOptions { MaxHeaderBytes = raw.Length - "body".Length };

        Assert.That(Mail.Parse(raw, options).Subject, Is.EqualTo("s"));
    }

    [Test]
    public void Parse_LargeBodyWithLfLineEnds_IsNotMistakenForLargeHeaders()
    {
        var raw = "From: no-reply-aws@amazon.com\nSubject: bare LF\n\n" + string.Concat(Enumerable.Repeat("body line\n", 1000));
        var options = new MessageParserOptions { MaxHeaderBytes = 1024 };

        var facts = Mail.ParseBytes(Encoding.UTF8.GetBytes(raw), options);

        Assert.That(facts.Subject, Is.EqualTo("bare LF"));
    }

    [TestCase("")]
    [TestCase("\r\n")]
    [TestCase("   ")]
    [TestCase("\r\n\r\nbody without headers")]
    [TestCase("just some text, no header\r\n")]
    [TestCase("\0\0\0\0")]
    public void Parse_EmptyOrJunkInput_ThrowsMessageParseException(string raw)
    {
        Assert.That(() => Mail.ParseBytes(Encoding.ASCII.GetBytes(raw)), Throws.TypeOf<MessageParseException>());
    }

    [Test]
    public void Parse_NullEnvelopeOrStream_Throws()
    {
        var sut = new MessageParser();
        using var stream = new MemoryStream();

        Assert.Multiple(() =>
        {
            Assert.That(() => sut.Parse("id", null!, stream), Throws.ArgumentNullException);
            Assert.That(() => sut.Parse("id", Mail.Envelope(), null!), Throws.ArgumentNullException);
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public void Parse_MultipartNestedBeyondMaxMimeDepth_ParsesWithoutHang(CancellationToken cancellationToken)
    {
        const int Depth = 500;
        var raw = new StringBuilder(From + "\r\nSubject: deep\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
        for (var i = 1; i < Depth; i++)
        {
            raw.Append(CultureInfo.InvariantCulture, $"--b{i - 1}\r\nContent-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n");
        }

        raw.Append(CultureInfo.InvariantCulture, $"--b{Depth - 1}\r\nContent-Type: text/plain\r\n\r\nDeepest text\r\n");
        for (var i = Depth - 1; i >= 0; i--)
        {
            raw.Append(CultureInfo.InvariantCulture, $"--b{i}--\r\n");
        }

        MessageFacts? facts = null;

        Assert.That(() => facts = Mail.Parse(raw.ToString(), cancellationToken: cancellationToken), Throws.Nothing);
        Assert.That(facts!.Subject, Is.EqualTo("deep"));
    }

    [Test]
    public void Parse_BodyLongerThanMaxBodyChars_IsCut()
    {
        var options = new MessageParserOptions { MaxBodyChars = 100 };

        var facts = Mail.Parse(Mail.Message(new string('x', 1000), From, "Subject: long"), options);

        Assert.That(facts.Body, Is.EqualTo(new string('x', 100)));
    }

    [Test]
    public void Parse_CutFallsInsideSurrogatePair_KeepsWholeCharacters()
    {
        var options = new MessageParserOptions { MaxBodyChars = 4 };

        var facts = Mail.Parse(Mail.Message("abc😀def", From, "Content-Type: text/plain; charset=utf-8"), options);

        Assert.That(facts.Body, Is.EqualTo("abc"));
    }

    [Test]
    public void Parse_HtmlBodyLongerThanMaxBodyChars_IsCut()
    {
        var options = new MessageParserOptions { MaxBodyChars = 10 };

        var facts = Mail.Parse(Mail.Message("<p>" + new string('y', 50) + "</p>", From, "Content-Type: text/html"), options);

        Assert.That(facts.Body, Is.EqualTo(new string('y', 10)));
    }

    [Test]
    public void Parse_HtmlNoticeWithFooterAsSeparateTextPart_BodyKeepsKeyLine()
    {
        var facts = Mail.Parse(Mail.Message(
            "--f\r\nContent-Type: text/html\r\n\r\n<p>AWS ID: 123456789012</p>\r\n--f\r\nContent-Type: text/plain\r\n\r\n--\r\nYou received this message because you are subscribed to the Google Groups \"AWS root\" group.\r\n--f--\r\n",
            From,
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"f\""));

        Assert.That(facts.Body, Does.Contain("AWS ID: 123456789012"));
    }

    [TestCase("\r\n-- \r\nYou received this message because you are subscribed to the Google Groups \"AWS root\" group.\r\n")]
    [TestCase("--\r\nYou received this message because you are subscribed to the Google Groups \"AWS root\" group.")]
    [TestCase("You received this message because you are subscribed to the Google Groups \"AWS root\" group.")]
    [TestCase(" \r\n ")]
    public void Parse_TextAlternativeHoldingOnlyGroupFooter_BodyIsTheHtmlText(string textPart)
    {
        var facts = Mail.Parse(Mail.Message(
            $"--a\r\nContent-Type: text/plain\r\n\r\n{textPart}\r\n--a\r\nContent-Type: text/html\r\n\r\n<p>AWS ID: 123456789012</p><p>-- <br>You received this message because you are subscribed to the Google Groups</p>\r\n--a--\r\n",
            From,
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"a\""));

        Assert.That(facts.Body, Does.StartWith("AWS ID: 123456789012"));
    }

    [Test]
    public void Parse_TextAlternativeWithTextAndGroupFooter_BodyIsTheText()
    {
        var facts = Mail.Parse(Mail.Message(
            "--a\r\nContent-Type: text/plain\r\n\r\nPlain key line\r\n-- \r\nYou received this message because you are subscribed to the Google Groups \"AWS root\" group.\r\n--a\r\nContent-Type: text/html\r\n\r\n<p>HTML key line</p>\r\n--a--\r\n",
            From,
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"a\""));

        Assert.That(facts.Body, Does.StartWith("Plain key line"));
    }

    [Test]
    public void Parse_TextPartAfterAttachmentOnly_BodyIsThatText()
    {
        var facts = Mail.Parse(Mail.Message(
            "--m\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\nJVBERi0=\r\n--m\r\nContent-Type: text/plain\r\n\r\nKey line\r\n--m--\r\n",
            From,
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"m\""));

        Assert.That(facts.Body.Trim(), Is.EqualTo("Key line"));
    }

    [Test]
    public void Parse_TextAttachmentOnly_BodyIsEmpty()
    {
        var facts = Mail.Parse(Mail.Message(
            "--m\r\nContent-Type: text/plain; name=log.txt\r\nContent-Disposition: attachment; filename=log.txt\r\n\r\nATTACHED LOG\r\n--m--\r\n",
            From,
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"m\""));

        Assert.That(facts.Body, Is.Empty);
    }

    [Test]
    public async Task Parse_StoredMessageContent_ReadsWhatTheSpoolCommitted()
    {
        var directory = Directory.CreateTempSubdirectory("mailgate-parse-");
        try
        {
            using var store = new MailGate.Core.Spool.SpoolStore(directory.FullName);
            var raw = await File.ReadAllBytesAsync(Mail.FixturePath("abuse-report-via-google-group.eml"));
            var stored = await store.CommitAsync(Mail.Envelope(), new System.Buffers.ReadOnlySequence<byte>(raw), CancellationToken.None);

            using var content = store.OpenContent(stored);
            var facts = new MessageParser().Parse(stored.Id, stored.Envelope, content);

            Assert.That((facts.SpoolId, facts.Sender), Is.EqualTo((stored.Id, "ec2-abuse@amazon.com")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
