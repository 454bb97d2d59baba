using System.Buffers;
using System.Text;
using MailGate.Receive;

namespace MailGate.Tests.Receive;

[TestFixture]
public sealed class LineEndsTests
{
    [TestCase("", false)]
    [TestCase("a", false)]
    [TestCase("a\r\nb\r\nc", false)]
    [TestCase("a\r\n\r\nb", false)]
    [TestCase("a\nb", true)]
    [TestCase("a\rb", true)]
    [TestCase("a\r\rb", true)]
    [TestCase("a\n\r", true)]
    [TestCase("a\r\n\n", true)]
    [TestCase("a\r", true)]
    [TestCase("\n", true)]
    [TestCase("a\r\n.\nb", true)]
    public void HasBareCrOrLf_Table(string text, bool expected) =>
        Assert.That(LineEnds.HasBareCrOrLf(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text))), Is.EqualTo(expected));

    [TestCase("a\r", "\nb", false)]
    [TestCase("a\r", "b", true)]
    [TestCase("a", "\nb", true)]
    [TestCase("a\r\n", "\r\nb", false)]
    [TestCase("a\r", "", true)]
    public void HasBareCrOrLf_PairSplitAcrossSegments(string first, string second, bool expected)
    {
        var head = new Segment(Encoding.ASCII.GetBytes(first), 0);
        var tail = head.Append(Encoding.ASCII.GetBytes(second));
        var data = new ReadOnlySequence<byte>(head, 0, tail, tail.Memory.Length);

        Assert.That(LineEnds.HasBareCrOrLf(data), Is.EqualTo(expected));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
