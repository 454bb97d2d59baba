using System.Text;
using MailGate.Receive;
using MailGate.Tests.Shared;

namespace MailGate.Tests.Receive;

/// <summary>
/// The end of DATA and the message size as RFC 1870 counts it, fed whole and one byte at a time; the message
/// without its transparency dots, whatever the segments.
/// </summary>
[TestFixture]
public sealed class DataScannerTests
{
    [TestCase("a\r\n.\r\n", 6, 3, TestName = "Feed_OneLine_EndsAfterDotCrLf_CountsTheLineWithItsCrLf")]
    [TestCase(".\r\n", 3, 0, TestName = "Feed_DotCrLfFirst_IsAnEmptyMessage")]
    [TestCase("..\r\n.\r\n", 7, 3, TestName = "Feed_StuffedDot_TheTransparencyDotIsNotCounted")]
    [TestCase("a\r\n..x\r\n.\r\n", 11, 7, TestName = "Feed_StuffedDotInside_TheTransparencyDotIsNotCounted")]
    [TestCase(".x\r\n.\r\n", 7, 4, TestName = "Feed_DotThenText_KeepsTheDot_AsTheLibraryDoes")]
    [TestCase("a\r\n.\rb\r\n.\r\n", 11, 8, TestName = "Feed_DotCrThenText_IsMessageText")]
    [TestCase("a\r\r\n.\r\n", 7, 4, TestName = "Feed_CrCrLfDotCrLf_EndsAtTheCrLfPair")]
    [TestCase("a\r\n.\r\nQUIT\r\n", 6, 3, TestName = "Feed_CommandsAfterTheEnd_AreNotPartOfTheMessage")]
    [TestCase("a\n.\n", -1, 4, TestName = "Feed_LfDotLf_DoesNotEnd")]
    [TestCase("a\n.\r\n", -1, 5, TestName = "Feed_LfDotCrLf_DoesNotEnd")]
    [TestCase("a\r\n.\n", -1, 5, TestName = "Feed_CrLfDotLf_DoesNotEnd")]
    [TestCase("a\r.\r\n", -1, 5, TestName = "Feed_CrDotCrLf_DoesNotEnd")]
    [TestCase("a\r\n.\r", -1, 3, TestName = "Feed_CrLfDotCr_DoesNotEndYet")]
    [TestCase("", -1, 0, TestName = "Feed_Nothing_DoesNotEnd")]
    public void Feed(string data, int expectedEnd, long expectedBytes)
    {
        var bytes = Encoding.ASCII.GetBytes(data);

        var whole = new DataScanner();
        var end = whole.Feed(bytes);

        var split = new DataScanner();
        var splitEnd = -1;
        for (var i = 0; i < bytes.Length && splitEnd < 0; i++)
        {
            splitEnd = split.Feed(bytes.AsSpan(i, 1)) is 1 ? i + 1 : -1;
        }

        Assert.Multiple(() =>
        {
            Assert.That(end, Is.EqualTo(expectedEnd));
            Assert.That(whole.MessageBytes, Is.EqualTo(expectedBytes));
            Assert.That(splitEnd, Is.EqualTo(expectedEnd), "one byte at a time");
            Assert.That(split.MessageBytes, Is.EqualTo(expectedBytes), "one byte at a time");
        });
    }

    [Test]
    public void Feed_LongLinesAcrossChunks_CountsEveryByte()
    {
        var line = new string('x', 998) + "\r\n";
        var message = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(line, 100)) + ".\r\n");
        var sut = new DataScanner();

        var end = -1;
        var offset = 0;
        foreach (var chunk in message.Chunk(4096))
        {
            var found = sut.Feed(chunk);
            if (found >= 0)
            {
                end = offset + found;
                break;
            }

            offset += chunk.Length;
        }

        Assert.That(end, Is.EqualTo(message.Length));
        Assert.That(sut.MessageBytes, Is.EqualTo(100 * 1000));
    }

    [TestCase("", "", TestName = "Unstuff_Nothing_IsNothing")]
    [TestCase("plain\r\ntext", "plain\r\ntext", TestName = "Unstuff_NoDots_IsUnchanged")]
    [TestCase("..first", ".first", TestName = "Unstuff_FirstLine_LosesItsTransparencyDot")]
    [TestCase("..", ".", TestName = "Unstuff_FirstLineOfTwoDots_IsOneDot")]
    [TestCase("a\r\n..\r\n...\r\n..x", "a\r\n.\r\n..\r\n.x", TestName = "Unstuff_EachLine_LosesOneDot")]
    [TestCase("a\r\n.x\r\n.", "a\r\n.x\r\n.", TestName = "Unstuff_SingleDots_StayAsTheLibraryKeptThem")]
    [TestCase("a..b\r\n x..\n..\r..", "a..b\r\n x..\n..\r..", TestName = "Unstuff_DotsNotAfterCrLf_Stay")]
    [TestCase("\r\n..\r\n..", "\r\n.\r\n.", TestName = "Unstuff_EmptyFirstLineThenDots_LoseOneEach")]
    public void Unstuff(string content, string expected)
    {
        var scanner = new DataScanner();
        Assert.That(scanner.Feed(Encoding.ASCII.GetBytes(content + "\r\n.\r\n")), Is.GreaterThan(0));

        for (var size = 1; size <= Math.Max(1, content.Length); size++)
        {
            var unstuffed = DataScanner.Unstuff(Segments.Of(content, size));
            Assert.That(Encoding.ASCII.GetString(unstuffed), Is.EqualTo(expected), $"segments of {size}");
        }

        Assert.That(scanner.TransparencyDots, Is.EqualTo(content.Length - expected.Length), "the scanner counts the dots Unstuff removes");
    }
}
