using MailGate.Core.Parse;
using System.Buffers;
using System.Text;
using MailGate.Core.Tests.Parse.Support;
using MailGate.Tests.Shared;

namespace MailGate.Core.Tests.Parse;

[TestFixture]
public class HeaderSectionTests
{
    private const string Message = "From: a@example.com\r\nSubject: s\r\n\r\nbody\r\n";
    private const int HeaderLength = 35;

    [TestCase(Message, 1024, HeaderLength)]
    [TestCase(Message, HeaderLength, HeaderLength)]
    [TestCase(Message, HeaderLength - 1, -1)]
    [TestCase("From: a@example.com\r\nSubject: s\r\n", 1024, 33)]
    [TestCase("From: a@example.com\r\nSubject: s\r\n", 10, -1)]
    [TestCase("", 1024, 0)]
    [TestCase("\r\nbody only", 1024, 2)]
    [TestCase("\nbody only", 1024, 1)]
    [TestCase("From: a@example.com\nSubject: s\n\nbody\n", 1024, 32)]
    [TestCase("From: a@example.com\nSubject: s\n\nbody\n", 32, 32)]
    [TestCase("From: a@example.com\r\nSubject: s\n\r\nbody", 1024, 34)]
    [TestCase("From: a@example.com\r\n\r\nSubject: s\r\n\r\nbody", 1024, 23)]
    [TestCase("From: a@example.com\r\nX: a\r \r\nbody", 1024, 33)]
    public void Measure_SingleSegment_GivesHeaderLength(string text, int limit, long expected)
    {
        var data = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));

        Assert.That(HeaderSection.Measure(data, limit), Is.EqualTo(expected));
    }

    [TestCase("From: a@example.com\r\n\r\nbody", true)]
    [TestCase("Received: from x\r\n", true)]
    [TestCase("X-Only:", true)]
    [TestCase("Subject : obsolete space before the colon", true)]
    [TestCase("Subject\t: obsolete tab before the colon", true)]
    [TestCase("", false)]
    [TestCase("\r\nbody only", false)]
    [TestCase(": no name", false)]
    [TestCase(" Subject: folded start", false)]
    [TestCase("Sub ject: space inside the name", false)]
    [TestCase("no colon on the first line\r\nSubject: x", false)]
    [TestCase("From a@example.com Mon Nov 30 10:00:00 2026\r\nSubject: x", false)] // mbox separator: no colon before the space
    [TestCase("Caf\u00e9: non-ASCII name", false)]
    public void StartsWithHeaderField_Table(string text, bool expected)
    {
        var data = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));

        Assert.That(HeaderSection.StartsWithHeaderField(data), Is.EqualTo(expected));
    }

    [Test]
    public void StartsWithHeaderField_NameSplitAcrossSegments_IsFound([Values(1, 2, 3, 8, 9)] int segmentSize)
    {
        var data = Segments.Of("Subject: x\r\n\r\nbody", segmentSize);

        Assert.That(HeaderSection.StartsWithHeaderField(data), Is.True);
    }

    [Test]
    public void Measure_BlankLineSplitAcrossSegments_GivesSameLengthForEverySplit(
        [Values(Message, "From: a@example.com\nSubject: s\n\nbody\n", "From: a@example.com\r\nSubject: s\r\n")] string text,
        [Values(1, 2, 3, 5, 7, 33, 34, 35, 36, 37, 1000)] int segmentSize,
        [Values(1024, 34, 33, 31)] int limit)
    {
        var whole = HeaderSection.Measure(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text)), limit);
        var split = Segments.Of(text, segmentSize);

        Assert.That(HeaderSection.Measure(split, limit), Is.EqualTo(whole));
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(4096)]
    public void Measure_LongHeaderSectionInSegments_FindsBlankLine(int segmentSize)
    {
        var headers = string.Concat(Enumerable.Repeat("X-Padding: " + new string('a', 60) + "\r\n", 200));
        var text = headers + "\r\n" + new string('b', 5000);

        Assert.Multiple(() =>
        {
            Assert.That(HeaderSection.Measure(Segments.Of(text, segmentSize), 100_000), Is.EqualTo(headers.Length + 2));
            Assert.That(HeaderSection.Measure(Segments.Of(text, segmentSize), headers.Length + 1), Is.EqualTo(-1));
        });
    }

    [Test]
    public void Measure_Stream_MeasuresFromPositionAndRewinds()
    {
        var bytes = Encoding.UTF8.GetBytes("junk" + Message);
        using var stream = new MemoryStream(bytes) { Position = 4 };

        var measured = HeaderSection.Measure(stream, 1024);

        Assert.Multiple(() =>
        {
            Assert.That(measured, Is.EqualTo(HeaderLength));
            Assert.That(stream.Position, Is.EqualTo(4));
        });
    }

    [TestCase(1024, HeaderLength)]
    [TestCase(HeaderLength - 1, -1)]
    public void Measure_StreamReadInPieces_GivesHeaderLength(int limit, long expected)
    {
        using var stream = new TrickleStream(Encoding.UTF8.GetBytes(Message));

        Assert.That(HeaderSection.Measure(stream, limit), Is.EqualTo(expected));
    }

    [Test]
    public void Measure_NullStream_Throws()
    {
        Assert.That(() => HeaderSection.Measure((Stream)null!, 10), Throws.ArgumentNullException);
    }

    /// <summary>A seekable stream that hands out at most three bytes per read, as a slow network or pipe would.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 3));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 3)]);
    }
}
