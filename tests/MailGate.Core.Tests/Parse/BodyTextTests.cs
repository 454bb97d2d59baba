using System.Buffers;
using MailGate.Core.Parse;
using System.Text;
using MailGate.Core.Tests.Parse.Support;
using MimeKit;

namespace MailGate.Core.Tests.Parse;

/// <summary>
/// The body is streamed from the parts instead of read through <see cref="MimeMessage.TextBody"/> and
/// <see cref="MimeMessage.HtmlBody"/> (which hold a whole part as one string); these tests pin that it
/// comes out exactly as it did through those properties, cut or not.
/// </summary>
[TestFixture]
public class BodyTextTests
{
    private const string From = "From: AWS <no-reply-aws@amazon.com>";

    private static IEnumerable<string> Fixtures() =>
        Directory.EnumerateFiles(Path.GetDirectoryName(Mail.FixturePath("html-only-body.eml"))!, "*.eml").Select(Path.GetFileName).OfType<string>();

    [TestCaseSource(nameof(Fixtures))]
    public void Body_OfEveryFixture_EqualsMimeKitsWholeText(string fixture)
    {
        var raw = File.ReadAllBytes(Mail.FixturePath(fixture));

        foreach (var max in new[] { 1_000_000, 200, 37, 1 })
        {
            var facts = Mail.ParseBytes(raw, new MessageParserOptions { MaxBodyChars = max });

            Assert.That(facts.Body, Is.EqualTo(WholeTextBody(raw, max)), $"MaxBodyChars {max}");
        }
    }

    /// <summary>The pooled buffer grows across reads (4,096 chars first, doubled) and the cut is exact, however the reader splits its text.</summary>
    [TestCase(0, 10, 3, TestName = "ReadAtMost_Empty")]
    [TestCase(10, 0, 3, TestName = "ReadAtMost_MaxZero_Nothing")]
    [TestCase(10, 10, 3, TestName = "ReadAtMost_ExactlyMax")]
    [TestCase(10, 9, 3, TestName = "ReadAtMost_OneOver_Cut")]
    [TestCase(4096, 4096, 4096, TestName = "ReadAtMost_FillsTheFirstBuffer")]
    [TestCase(4097, 1_000_000, 4096, TestName = "ReadAtMost_OneCharIntoASecondBuffer")]
    [TestCase(100_000, 1_000_000, 1, TestName = "ReadAtMost_100K_OneCharPerRead")]
    [TestCase(300_000, 250_001, 7_000, TestName = "ReadAtMost_LongerThanMax_CutInAGrownBuffer")]
    [TestCase(300_000, 1_000_000, 65_536, TestName = "ReadAtMost_300K_BigReads")]
    public void ReadAtMost_ReturnsTheFirstMaxChars(int length, int max, int perRead)
    {
        var text = string.Concat(Enumerable.Range(0, length).Select(i => (char)('a' + (i * 7 % 26))));

        var read = BodyText.ReadAtMost(new TrickleReader(text, perRead), max);

        Assert.That(read, Is.EqualTo(text[..Math.Min(length, max)]));
    }

    /// <summary>
    /// The pooled buffers are the reader's alone while it reads and go back once each: a decoder that borrows from the
    /// same pool while being read from does not scribble into the text, and two borrowers after it get two arrays
    /// (an array returned twice is lent twice, and one body is read with another's chars).
    /// </summary>
    [TestCase(10_000, 1_000_000, 3_000)]
    [TestCase(40_000, 20_000, 5_000)]
    public void ReadAtMost_PooledBuffers_OwnedWhileReading_ReturnedOnce(int length, int max, int perRead)
    {
        var text = string.Concat(Enumerable.Range(0, length).Select(i => (char)('a' + (i % 26))));

        var read = BodyText.ReadAtMost(new BorrowingReader(text, perRead), max);

        Assert.That(read, Is.EqualTo(text[..Math.Min(length, max)]));
        for (var size = 4096; size <= 65_536; size *= 2)
        {
            var one = ArrayPool<char>.Shared.Rent(size);
            var two = ArrayPool<char>.Shared.Rent(size);
            Assert.That(two, Is.Not.SameAs(one), $"two borrowers of {size} chars");
            ArrayPool<char>.Shared.Return(one);
            ArrayPool<char>.Shared.Return(two);
        }
    }

    [TestCase("text/plain; charset=iso-2022-jp", "7bit", "\u001b$B%F%9%H\u001b(B body", "テスト body")]
    [TestCase("text/plain; charset=utf-8", "base64", "w4RyZ2VyIMO8YmVy", "Ärger über")]
    [TestCase("text/plain", "quoted-printable", "caf=E9 =\r\nna=EFve", "café naïve")] // not UTF-8: ISO-8859-1, as MimeKit falls back
    [TestCase("text/plain; format=flowed", "7bit", "one \r\ntwo\r\nthree", "one two\nthree\n")]
    [TestCase("text/plain; format=flowed; delsp=yes", "7bit", "one \r\ntwo", "onetwo\n")]
    [TestCase("text/html", "7bit", "<html><head><meta charset=\"iso-8859-1\"></head><body><p>caf\u00e9</p></body></html>", "café")]
    public void Body_DecodedAsMimeKitDoes(string contentType, string transferEncoding, string body, string expected)
    {
        var raw = Encoding.Latin1.GetBytes(Mail.Message(body, From, "MIME-Version: 1.0", "Content-Type: " + contentType, "Content-Transfer-Encoding: " + transferEncoding));

        var facts = Mail.ParseBytes(raw);

        Assert.Multiple(() =>
        {
            Assert.That(facts.Body, Is.EqualTo(expected));
            Assert.That(facts.Body, Is.EqualTo(WholeTextBody(raw, 1_000_000)));
        });
    }

    [Test]
    public void Body_LongHtml_CutAtEveryLengthEqualsTheWholeTextCut()
    {
        var html = string.Concat(Enumerable.Range(0, 40).Select(i => $"<p>line {i}</p>\r\n<table><tr><td>a</td><td> b </td></tr></table><br>  x&amp;y "));
        var raw = Encoding.UTF8.GetBytes(Mail.Message(html, From, "Content-Type: text/html; charset=utf-8"));

        for (var max = 1; max < 400; max++)
        {
            Assert.That(Mail.ParseBytes(raw, new MessageParserOptions { MaxBodyChars = max }).Body, Is.EqualTo(WholeTextBody(raw, max)), $"MaxBodyChars {max}");
        }
    }

    [Test]
    public void Body_LargeTextPart_IsCutWithoutReadingItWhole()
    {
        var line = new string('x', 76) + "\r\n";
        var raw = Encoding.ASCII.GetBytes(Mail.Message(string.Concat(Enumerable.Repeat(line, 20_000)), From));

        var facts = Mail.ParseBytes(raw, new MessageParserOptions { MaxBodyChars = 1000 });

        Assert.That(facts.Body, Is.EqualTo(WholeTextBody(raw, 1000)));
    }

    /// <summary>
    /// The body as MessageParser computes it from MimeKit's whole strings: without the group footers at
    /// its end (when they are within 16,000 chars past the cut), then cut.
    /// </summary>
    private static string WholeTextBody(byte[] raw, int max)
    {
        using var stream = new MemoryStream(raw);
        using var mime = MimeMessage.Load(stream);
        var text = mime.TextBody;
        if (GroupFooters.IsOnlyFooters(text) && mime.HtmlBody is { } html)
        {
            text = HtmlText.ToPlainText(html);
        }

        text ??= "";
        if (text.Length <= max + 16_000)
        {
            text = GroupFooters.Strip(text);
        }

        return text.Length <= max ? text : text[..(max > 0 && char.IsHighSurrogate(text[max - 1]) ? max - 1 : max)];
    }

    /// <summary>A <see cref="TrickleReader"/> that borrows every size of array from the shared pool and fills it with '#' on each read, as another user of the pool would.</summary>
    private sealed class BorrowingReader(string text, int perRead) : TextReader
    {
        private readonly TrickleReader _text = new(text, perRead);

        public override int Read(char[] buffer, int index, int count)
        {
            for (var size = 16; size <= 1 << 17; size *= 2)
            {
                var borrowed = ArrayPool<char>.Shared.Rent(size);
                borrowed.AsSpan().Fill('#');
                ArrayPool<char>.Shared.Return(borrowed);
            }

            return _text.Read(buffer, index, count);
        }
    }

    /// <summary>A reader that hands out at most <c>perRead</c> chars per call, as a decoding stream may.</summary>
    private sealed class TrickleReader(string text, int perRead) : TextReader
    {
        private int _position;

        public override int Read(char[] buffer, int index, int count)
        {
            var n = Math.Min(Math.Min(count, perRead), text.Length - _position);
            text.CopyTo(_position, buffer, index, n);
            _position += n;
            return n;
        }
    }
}
