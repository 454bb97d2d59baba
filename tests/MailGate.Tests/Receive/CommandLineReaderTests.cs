using System.Buffers;
using System.Text;
using MailGate.Receive;
using MailGate.Tests.Shared;

namespace MailGate.Tests.Receive;

[TestFixture]
public sealed class CommandLineReaderTests
{
    [TestCase("EHLO a\r\n", 8)]
    [TestCase("EHLO a\r\nNOOP\r\n", 8)]
    [TestCase("EHLO a\nNOOP\r\n", 13)]
    [TestCase("EH\rLO\r\n", 7)]
    [TestCase("EHLO a", -1)]
    [TestCase("EHLO a\n", -1)]
    [TestCase("EHLO a\r", -1)]
    [TestCase("", -1)]
    public void FindLineEnd_Table(string text, int expected)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));

        Assert.That(Offset(buffer, CommandLineReader.FindLineEnd(buffer)), Is.EqualTo(expected));
    }

    [TestCase("EHLO a\r", "\nNOOP", 8)]
    [TestCase("EHLO a", "\r\n", 8)]
    [TestCase("EHLO a\r", "NOOP\n", -1)]
    public void FindLineEnd_CrLfSplitAcrossSegments(string first, string second, int expected)
    {
        var buffer = Segments.Of(first, second);

        Assert.That(Offset(buffer, CommandLineReader.FindLineEnd(buffer)), Is.EqualTo(expected));
    }

    [TestCase(0, 12_288)]
    [TestCase(1, -1)]
    public void FindLineEnd_LineEndPastTheLongestLine_IsNotFound(int over, int expected)
    {
        var text = new string('a', CommandScreen.MaxLineLength - 2 + over) + "\r\n";
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));

        Assert.That(Offset(buffer, CommandLineReader.FindLineEnd(buffer)), Is.EqualTo(expected));
    }

    private static long Offset(ReadOnlySequence<byte> buffer, SequencePosition? end) =>
        end is { } position ? buffer.Slice(0, position).Length : -1;
}
