using MailGate.Core.Parse;
using System.Text;
using MailGate.Core.Tests.Parse.Support;

namespace MailGate.Core.Tests.Parse;

/// <summary>Undeclared 8-bit text (issue #12 §4): read in the charset it was written in, never as Latin-1 gibberish.</summary>
[TestFixture]
public class CharsetsTests
{
    private const string SubjectJa = "【重要】不正利用 Abuse Report [AWS ID 123456789012]";

    [OneTimeSetUp]
    public void RegisterCodePages() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Test]
    public void Parse_RawShiftJisSubjectWithCharsetOnlyOnTheBody_IsTheJapaneseSubject()
    {
        var facts = Mail.ParseFixture("subject-raw-shift-jis-charset-only-on-body.eml");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(facts.Subject, Is.EqualTo(SubjectJa));
            Assert.That(facts.Headers["Subject"], Is.EqualTo(new[] { SubjectJa }));
            Assert.That(facts.Body, Does.StartWith("お客様の AWS リソースに関する不正利用の報告です。"));
            Assert.That(facts.Subject + facts.Body, Has.None.InRange('\u0080', '\u009F'));
        }
    }

    /// <summary>A raw (not RFC 2047 encoded) header in <c>charset</c>, the body declaring <c>bodyCharset</c> (or nothing).</summary>
    [TestCase("utf-8", null, "Grüße, 不正利用の報告")]
    [TestCase("shift_jis", null, "不正利用の報告 ｱｶｳﾝﾄ")] // half-width katakana: still Shift_JIS when nothing else reads it
    [TestCase("shift_jis", null, "【重要】アカウントのセキュリティ")]
    [TestCase("shift_jis", "iso-2022-jp", "【重要】アカウントのセキュリティ")]
    [TestCase("euc-jp", null, "お客様の不正利用の報告です")] // reads as Shift_JIS half-width katakana too: the plausible one wins
    [TestCase("euc-jp", "euc-jp", "【重要】アカウントのセキュリティ")]
    [TestCase("windows-1252", null, "Café “résumé” – naïve")]
    [TestCase("iso-8859-1", "iso-8859-1", "Grüße aus Köln")]
    [TestCase("koi8-r", "koi8-r", "Отчёт о нарушении")]
    [TestCase("gb2312", "gb2312", "滥用报告 账户")]
    [TestCase("euc-kr", "euc-kr", "악용 신고 계정")]
    [TestCase("windows-1251", "windows-1251", "Отчёт о нарушении")]
    public void Parse_RawEightBitSubject_DecodesInItsCharset(string charset, string? bodyCharset, string subject)
    {
        var facts = Mail.ParseBytes(RawMessage(charset, subject, bodyCharset));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(facts.Subject, Is.EqualTo(subject));
            Assert.That(facts.Headers["X-Original-From"], Is.EqualTo(new[] { subject + " <author@example.com>" }), "every header, not only Subject");
        }
    }

    [Test]
    public void Parse_RawFallbackConfigured_UsesTheConfiguredList()
    {
        var raw = RawMessage("windows-1251", "Отчёт о нарушении", bodyCharset: null);

        var withDefaults = Mail.ParseBytes(raw);
        var cyrillic = Mail.ParseBytes(raw, new MessageParserOptions { FallbackCharsets = ["windows-1251"] });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cyrillic.Subject, Is.EqualTo("Отчёт о нарушении"));
            Assert.That(withDefaults.Subject, Is.Not.EqualTo("Отчёт о нарушении"), "the default list suits Japanese users, then Western European");
            Assert.That(withDefaults.Subject, Has.None.InRange('\u0080', '\u009F'));
        }
    }

    [Test]
    public void Parse_BytesNoCharsetReads_NoControlsAndNoReplacementSoup()
    {
        var raw = RawBytes("Subject: A", [0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xFF, 0xFE], "B", bodyCharset: null);

        var facts = Mail.ParseBytes(raw, new MessageParserOptions { FallbackCharsets = [] });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(facts.Subject, Does.StartWith("A\uFFFD").And.EndWith("B"), "one replacement character for the run of C1 bytes");
            Assert.That(facts.Subject, Has.None.InRange('\u0080', '\u009F'));
            Assert.That(facts.Subject, Does.Not.Contain("\uFFFD\uFFFD"));
        }
    }

    [Test]
    public void Parse_InvalidInEveryCandidate_TheLeastInvalidWithOneReplacementPerRun()
    {
        // 0x80 0xA0 is invalid in UTF-8, Shift_JIS and EUC-JP alike; windows-1252 is not in the list.
        var raw = RawBytes("Subject: A", [0x80, 0xA0, 0x80, 0xA0], "B", bodyCharset: null);

        var facts = Mail.ParseBytes(raw, new MessageParserOptions { FallbackCharsets = ["shift_jis", "euc-jp"] });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(facts.Subject, Does.StartWith("A").And.EndWith("B"));
            Assert.That(facts.Subject, Has.None.InRange('\u0080', '\u009F'));
            Assert.That(facts.Subject, Does.Not.Contain("\uFFFD\uFFFD"));
        }
    }

    [Test]
    public void Parse_UndefinedWindows1252Bytes_NeverBecomeC1Controls()
    {
        var raw = RawBytes("Subject: A", [0x81, 0x9D], "B", bodyCharset: null);

        var facts = Mail.ParseBytes(raw, new MessageParserOptions { FallbackCharsets = ["windows-1252"] });

        Assert.That(facts.Subject, Is.EqualTo("A\uFFFDB"));
    }

    [TestCase("shift_jis", "お客様の AWS リソースに関する不正利用の報告です。")]
    [TestCase("euc-jp", "お客様の AWS リソースに関する不正利用の報告です。")]
    [TestCase("windows-1252", "Grüße – café")]
    public void Parse_BodyWithoutCharset_DecodesInTheFallbackCharset(string charset, string body)
    {
        var raw = Encoding.ASCII.GetBytes("From: a@example.com\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\n").Concat(Encoding.GetEncoding(charset).GetBytes(body)).ToArray();

        Assert.That(Mail.ParseBytes(raw).Body, Is.EqualTo(body));
    }

    [Test]
    public void Parse_BodyDeclaredUtf8ButShiftJis_ReadsTheBytesNotTheLabel()
    {
        var raw = Encoding.ASCII.GetBytes("From: a@example.com\r\nSubject: s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n").Concat(Encoding.GetEncoding("shift_jis").GetBytes("不正利用の報告")).ToArray();

        Assert.That(Mail.ParseBytes(raw).Body, Is.EqualTo("不正利用の報告"));
    }

    [Test]
    public void Charsets_UnknownFallbackName_Throws() =>
        Assert.That(() => new MessageParser(new MessageParserOptions { FallbackCharsets = ["x-no-such-charset"] }), Throws.ArgumentException);

    [TestCase("shift_jis", true)]
    [TestCase("Shift_JIS", true)]
    [TestCase(" euc-jp ", true)]
    [TestCase("windows-1252", true)]
    [TestCase("x-no-such-charset", false)]
    [TestCase("", false)]
    public void IsKnown_Table(string charset, bool known) => Assert.That(Charsets.IsKnown(charset), Is.EqualTo(known));

    [TestCase("plain", "plain")]
    [TestCase("a\u0085b", "a\uFFFDb")]
    [TestCase("a\u0081\u0082\u009Fb", "a\uFFFDb")]
    [TestCase("a\uFFFD\uFFFD\uFFFDb\uFFFDc", "a\uFFFDb\uFFFDc")]
    [TestCase("日本語", "日本語")]
    public void Clean_Table(string text, string expected) => Assert.That(Charsets.Clean(text), Is.EqualTo(expected));

    private static byte[] RawMessage(string charset, string subject, string? bodyCharset)
    {
        var encoded = Encoding.GetEncoding(charset).GetBytes(subject);
        return RawBytes("Subject: ", encoded, "", bodyCharset, xOriginalFrom: encoded);
    }

    private static byte[] RawBytes(string before, byte[] raw, string after, string? bodyCharset, byte[]? xOriginalFrom = null)
    {
        var bytes = new List<byte>();
        void Ascii(string text) => bytes.AddRange(Encoding.ASCII.GetBytes(text));
        Ascii("From: Author <author@example.com>\r\n");
        Ascii(before);
        bytes.AddRange(raw);
        Ascii(after + "\r\n");
        if (xOriginalFrom is not null)
        {
            Ascii("X-Original-From: ");
            bytes.AddRange(xOriginalFrom);
            Ascii(" <author@example.com>\r\n");
        }

        Ascii("MIME-Version: 1.0\r\n");
        Ascii(bodyCharset is null ? "Content-Type: text/plain\r\n" : $"Content-Type: text/plain; charset={bodyCharset}\r\n");
        Ascii("\r\nplain ASCII body\r\n");
        return [.. bytes];
    }
}
