using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using MailGate.Receive;

namespace MailGate.Tests.Receive;

[TestFixture]
public sealed class HandedReadTests
{
    [Test]
    public void Advance_NothingHandedOut_Throws()
    {
        var pipe = new Pipe();
        var sut = new HandedRead();

        Assert.That(() => sut.Advance(pipe.Reader, default, default), Throws.InvalidOperationException);
    }

    [Test]
    public async Task Advance_InnerBuffer_GoesThroughToTheInnerReader()
    {
        var pipe = await PipeWithAsync("EHLO a\r\nNOOP\r\n");
        var sut = new HandedRead();
        var result = await pipe.Reader.ReadAsync();

        var handed = sut.Inner(result);
        Assert.That(sut.IsInner, Is.True);
        Assert.That(sut.HeldStart, Is.EqualTo(result.Buffer.Start));
        sut.Advance(pipe.Reader, handed.Buffer.GetPosition(8), handed.Buffer.End);

        Assert.That(sut.IsInner, Is.False);
        Assert.That(await RestAsync(pipe), Is.EqualTo("NOOP\r\n"));
    }

    [Test]
    public async Task Advance_StandInLine_ConsumesTheHeldInnerLineWhereverSmtpServerStopped()
    {
        var pipe = await PipeWithAsync("RCPT TO:<a@b>\r\nQUIT\r\n");
        var sut = new HandedRead();
        var result = await pipe.Reader.ReadAsync();
        var lineEnd = result.Buffer.GetPosition(15);

        var handed = sut.StandIn(result.Buffer, lineEnd, "RSET\r\n"u8.ToArray());
        Assert.That(Encoding.ASCII.GetString(handed.Buffer), Is.EqualTo("RSET\r\n"));
        Assert.That(handed.IsCompleted || handed.IsCanceled, Is.False);
        sut.Advance(pipe.Reader, handed.Buffer.End, handed.Buffer.End);

        Assert.That(await RestAsync(pipe), Is.EqualTo("QUIT\r\n"));
    }

    [Test]
    public async Task Advance_StandInOnly_LeavesTheInnerReaderAlone()
    {
        var pipe = await PipeWithAsync("QUIT\r\n");
        var sut = new HandedRead();

        var handed = sut.StandInOnly("\r\n.\r\n"u8.ToArray());
        sut.Advance(pipe.Reader, handed.Buffer.End, handed.Buffer.End);

        Assert.That(Encoding.ASCII.GetString(handed.Buffer), Is.EqualTo("\r\n.\r\n"));
        Assert.That(await RestAsync(pipe), Is.EqualTo("QUIT\r\n"), "nothing of the client's was consumed");
        Assert.That(() => sut.Advance(pipe.Reader, default, default), Throws.InvalidOperationException, "one advance per hand-out");
    }

    private static async Task<Pipe> PipeWithAsync(string text)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes(text));
        await pipe.Writer.CompleteAsync();
        return pipe;
    }

    private static async Task<string> RestAsync(Pipe pipe)
    {
        var result = await pipe.Reader.ReadAsync();
        var rest = Encoding.ASCII.GetString(result.Buffer);
        pipe.Reader.AdvanceTo(result.Buffer.End);
        return rest;
    }
}
