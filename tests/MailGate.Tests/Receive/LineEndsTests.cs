using System.Buffers;
using System.Text;
using MailGate.Receive;
using MailGate.Tests.Shared;

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
        Assert.That(LineEnds.HasBareCrOrLf(Segments.Of(first, second)), Is.EqualTo(expected));
    }
}
