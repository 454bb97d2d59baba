using System.Buffers;
using System.IO.Pipelines;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailGate.Receive;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SmtpServer.IO;

namespace MailGate.Tests.Receive;

/// <summary>
/// <see cref="ClientPipe"/> on in-memory pipes with a fake clock: what SmtpServer reads and what the client
/// is answered, at the idle deadline, at the size limit, for screened commands.
/// </summary>
[TestFixture]
public sealed class ClientPipeTests
{
    private const int MaxMessageSize = 1000;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    private FakeTimeProvider _time = null!;
    private FakeConnection _connection = null!;
    private List<(int Code, string Reason)> _rejected = null!;
    private ClientPipe _sut = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _connection = new FakeConnection();
        _rejected = [];
        var report = new ClientReport(NullLogger.Instance, "session-1", "192.0.2.1", (code, reason) => _rejected.Add((code, reason)));
        _sut = new ClientPipe(_connection, new NoLease(), new ClientLimits(IdleTimeout, MaxMessageSize, 3, "mailgate"), report, _time);
    }

    [TearDown]
    public void TearDown()
    {
        _sut.Dispose();
        _connection.Dispose();
    }

    [Test]
    public async Task ReadAsync_ClientSilentForTheIdleTimeout_Gets421_4_4_2_AndSmtpServerSeesTheEndOfInput()
    {
        var read = _sut.Input.ReadAsync().AsTask();
        _time.Advance(IdleTimeout - TimeSpan.FromMilliseconds(1));
        Assert.That(read.IsCompleted, Is.False, "not before the idle timeout");

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await read.WaitAsync(Guard);

        Assert.That(result.IsCompleted && result.Buffer.IsEmpty, Is.True);
        Assert.That(await _connection.RepliesAsync(), Is.EqualTo("421 4.4.2 mailgate Error: timeout exceeded\r\n"));
        Assert.That(_rejected, Is.EqualTo(new[] { (421, "idle_timeout") }));
        Assert.That((await _sut.Input.ReadAsync()).IsCompleted, Is.True, "the session is over");
    }

    [Test]
    public async Task ReadAsync_BytesKeepArriving_EachResetsTheIdleTimeout()
    {
        var read = _sut.Input.ReadAsync().AsTask();
        await _connection.Waiting.WaitAsync(Guard);
        _time.Advance(IdleTimeout - TimeSpan.FromSeconds(1));
        await _connection.SendAsync("NO");
        await _connection.Waiting.WaitAsync(Guard); // waiting again, with a fresh deadline
        _time.Advance(IdleTimeout - TimeSpan.FromSeconds(1));
        await _connection.SendAsync("OP\r\n");

        var result = await read.WaitAsync(Guard);

        Assert.That(Text(result.Buffer), Is.EqualTo("NOOP\r\n"));
        Assert.That(_rejected, Is.Empty);
    }

    [Test]
    public async Task ReadAsync_ClientSilentInsideData_TheStoreAnswers421_ThenSmtpServerSeesTheEndOfInput()
    {
        _sut.BeginData();
        await _connection.SendAsync("Subject: half\r\n\r\nthe first half");
        var read = _sut.Input.ReadAsync().AsTask();

        _time.Advance(IdleTimeout);
        var result = await read.WaitAsync(Guard);

        Assert.That(Text(result.Buffer), Is.EqualTo("\r\n.\r\n"), "a bare end-of-data line: SmtpServer calls the store at once");
        _sut.Input.AdvanceTo(result.Buffer.End);
        var refusal = _sut.TakeDataRefusal();
        Assert.That($"{(int)refusal!.ReplyCode} {refusal.Message}", Is.EqualTo("421 4.4.2 mailgate Error: timeout exceeded"));
        Assert.That(_rejected, Is.EqualTo(new[] { (421, "idle_timeout") }));
        Assert.That((await _sut.Input.ReadAsync()).IsCompleted, Is.True, "the session ends after that reply");
    }

    [TestCase(-1, true, TestName = "ReadAsync_MessageOneByteBelowTheLimit_IsHandedOverWhole")]
    [TestCase(0, true, TestName = "ReadAsync_MessageOfExactlyTheLimit_IsHandedOverWhole")]
    [TestCase(1, false, TestName = "ReadAsync_MessageOneByteOverTheLimit_Gets552AtItsEnd")]
    [TestCase(2400, false, TestName = "ReadAsync_Message2400BytesOverTheLimit_Gets552AtItsEnd")]
    [TestCase(50_000, false, TestName = "ReadAsync_MessageFiftyTimesTheLimit_Gets552AtItsEnd_WithoutKeepingIt")]
    public async Task ReadAsync_MessageAroundTheLimit(int overLimit, bool handedOver)
    {
        var message = RawSmtpDialog.MessageOfSize(MaxMessageSize + overLimit);
        _sut.BeginData();
        var sending = _connection.SendAsync(message + ".\r\nQUIT\r\n");

        var result = await _sut.Input.ReadAsync().AsTask().WaitAsync(Guard);
        var handed = Text(result.Buffer);
        var stored = _sut.TakeMessage() is { } taken ? Text(taken) : null; // valid until SmtpServer advances
        _sut.Input.AdvanceTo(result.Buffer.End);
        await sending.WaitAsync(Guard);
        var refusal = _sut.TakeDataRefusal();

        Assert.That(handed, Is.EqualTo("\r\n.\r\n"), "SmtpServer reads only an end-of-data line and calls the store");
        if (handedOver)
        {
            Assert.That(stored, Is.EqualTo(message[..^2]), "the store gets the message as SmtpServer gave it: without the CRLF before the dot");
            Assert.That(refusal, Is.Null);
            Assert.That(_rejected, Is.Empty);
        }
        else
        {
            Assert.That(stored, Is.Null);
            Assert.That($"{(int)refusal!.ReplyCode} {refusal.Message}", Is.EqualTo("552 5.3.4 Message size exceeds fixed limit"));
            Assert.That(_rejected, Is.EqualTo(new[] { (552, "message_too_large") }));
        }

        var next = await _sut.Input.ReadAsync().AsTask().WaitAsync(Guard);
        Assert.That(Text(next.Buffer), Is.EqualTo("QUIT\r\n"), "the session goes on after the message");
    }

    [Test]
    public async Task ReadAsync_MessageWithTransparencyDots_CountsThemOut_AndTheStoreGetsItUnstuffedInOneBuffer()
    {
        // 250 lines of "..": 1,000 bytes on the wire before the end, 750 in the message. SmtpServer's own
        // unstuffing made a buffer segment per line (about 12 times the message in memory).
        var stuffed = string.Concat(Enumerable.Repeat("..\r\n", 250));
        _sut.BeginData();
        await _connection.SendAsync(stuffed + ".\r\n");

        var result = await _sut.Input.ReadAsync().AsTask().WaitAsync(Guard);
        var stored = _sut.TakeMessage()!.Value;

        Assert.That(Text(result.Buffer), Is.EqualTo("\r\n.\r\n"));
        Assert.That(Text(stored), Is.EqualTo(string.Concat(Enumerable.Repeat(".\r\n", 250))[..^2]), "every line's first dot removed, the first line's too");
        Assert.That(stored.IsSingleSegment, Is.True);
        Assert.That(_sut.TakeDataRefusal(), Is.Null);
    }

    [TestCase("..Subject: x\r\n\r\nbody\r\n", ".Subject: x\r\n\r\nbody", TestName = "ReadAsync_FirstLineDotStuffed_LosesItsTransparencyDot")]
    [TestCase("Subject: x\r\n\r\n...\r\n..\r\n.x\r\n", "Subject: x\r\n\r\n..\r\n.\r\n.x", TestName = "ReadAsync_DottedLines_LoseOnlyTheirTransparencyDot")]
    [TestCase("Subject: x\r\n\r\nno dots here\r\n", "Subject: x\r\n\r\nno dots here", TestName = "ReadAsync_NoDottedLine_IsHandedOverAsReceived")]
    public async Task ReadAsync_TransparencyDots(string sent, string expected)
    {
        _sut.BeginData();
        await _connection.SendAsync(sent + ".\r\nQUIT\r\n");

        var result = await _sut.Input.ReadAsync().AsTask().WaitAsync(Guard);
        var stored = Text(_sut.TakeMessage()!.Value);
        _sut.Input.AdvanceTo(result.Buffer.End);

        Assert.That(stored, Is.EqualTo(expected));
        var next = await _sut.Input.ReadAsync().AsTask().WaitAsync(Guard);
        Assert.That(Text(next.Buffer), Is.EqualTo("QUIT\r\n"), "consuming the end-of-data line consumed the message");
    }

    [Test]
    public async Task ReadAsync_EmptyMessage_Gets554_5_6_0()
    {
        _sut.BeginData();
        await _connection.SendAsync(".\r\n");

        var result = await _sut.Input.ReadAsync().AsTask().WaitAsync(Guard);

        Assert.That(Text(result.Buffer), Is.EqualTo("\r\n.\r\n"));
        var refusal = _sut.TakeDataRefusal();
        Assert.That($"{(int)refusal!.ReplyCode} {refusal.Message}", Is.EqualTo("554 5.6.0 Empty message"));
    }

    [Test]
    public async Task ReadAsync_PipelinedRcptsPastTheCap_Get452FromMailGate_AndSmtpServerSeesTheNextCommand()
    {
        for (var i = 0; i < 3; i++)
        {
            _sut.RecipientAccepted();
        }

        await _connection.SendAsync("RCPT TO:<d@mailgate.example.com>\r\nRCPT TO:<e@mailgate.example.com>\r\nDATA\r\n");

        var result = await _sut.Input.ReadAsync().AsTask().WaitAsync(Guard);

        Assert.That(Text(result.Buffer), Is.EqualTo("DATA\r\n"));
        Assert.That(await _connection.RepliesAsync(), Is.EqualTo("452 4.5.3 Too many recipients\r\n452 4.5.3 Too many recipients\r\n"));
        Assert.That(_rejected, Is.EqualTo(new[] { (452, "too_many_recipients"), (452, "too_many_recipients") }));
    }

    [Test]
    public async Task ReadAsync_RcptToBarePostmaster_SmtpServerSeesItWithTheServerName_ThenTheNextLine()
    {
        await _connection.SendAsync("RCPT TO:<Postmaster>\r\nNOOP\r\n");

        var rewritten = await _sut.Input.ReadAsync().AsTask().WaitAsync(Guard);
        Assert.That(Text(rewritten.Buffer), Is.EqualTo("RCPT TO:<Postmaster@mailgate>\r\n"));
        _sut.Input.AdvanceTo(rewritten.Buffer.End);

        var next = await _sut.Input.ReadAsync().AsTask().WaitAsync(Guard);
        Assert.That(Text(next.Buffer), Is.EqualTo("NOOP\r\n"));
    }

    [Test]
    public async Task ReadAsync_CommandLineLongerThanTheLimit_Gets500_5_5_0_AndSmtpServerSeesTheEndOfInput()
    {
        await _connection.SendAsync("EHLO " + new string('a', CommandScreen.MaxLineLength));

        var result = await _sut.Input.ReadAsync().AsTask().WaitAsync(Guard);

        Assert.That(result.IsCompleted && result.Buffer.IsEmpty, Is.True);
        Assert.That(await _connection.RepliesAsync(), Is.EqualTo("500 5.5.0 Line too long\r\n"));
        Assert.That(_rejected, Is.EqualTo(new[] { (500, "line_too_long") }));
    }

    [Test]
    public async Task ReadAsync_CommandLineOfExactlyTheLimit_Passes()
    {
        var line = "EHLO " + new string('a', CommandScreen.MaxLineLength - "EHLO \r\n".Length) + "\r\n";
        await _connection.SendAsync(line);

        var result = await _sut.Input.ReadAsync().AsTask().WaitAsync(Guard);

        Assert.That(Text(result.Buffer), Is.EqualTo(line));
    }

    [Test]
    public async Task UpgradeAsync_HandshakeNotFinishedWithinTheIdleTimeout_FailsTheSession()
    {
        var upgrade = _sut.UpgradeAsync(null!, SslProtocols.Tls12);
        _time.Advance(IdleTimeout);

        Assert.ThrowsAsync<AuthenticationException>(() => upgrade.WaitAsync(Guard));
        Assert.That(_rejected, Is.EqualTo(new[] { (421, "tls_handshake_timeout") }));
    }

    [Test]
    public async Task FlushAsync_ClientNotTakingRepliesWithinTheIdleTimeout_FailsTheSession()
    {
        _sut.Output.Write(new byte[FakeConnection.ReplyBufferBytes * 2]);
        var flush = _sut.Output.FlushAsync().AsTask();
        Assert.That(flush.IsCompleted, Is.False, "the client is not reading");

        _time.Advance(IdleTimeout);

        Assert.ThrowsAsync<TimeoutException>(() => flush.WaitAsync(Guard));
        Assert.That(_rejected, Is.EqualTo(new[] { (421, "write_timeout") }));
        Assert.That((await _sut.Input.ReadAsync()).IsCompleted, Is.True);
    }

    [Test]
    public async Task ReadAsync_ClientNotTakingRepliesMailGateGivesItself_EndsTheSession_LoggedAndCounted()
    {
        // VRFY is answered by MailGate, not SmtpServer: a client that pipelines it without reading fills the
        // reply buffer, and that write has the same deadline as SmtpServer's own replies.
        await _connection.SendAsync(string.Concat(Enumerable.Repeat("VRFY x\r\n", 1000)));
        var read = _sut.Input.ReadAsync().AsTask();
        Assert.That(read.IsCompleted, Is.False, "the client is not reading");

        _time.Advance(IdleTimeout);
        var result = await read.WaitAsync(Guard);

        Assert.That(result.IsCompleted && result.Buffer.IsEmpty, Is.True, "SmtpServer sees the end of input");
        Assert.That(_rejected, Is.EqualTo(new[] { (421, "write_timeout") }));
    }

    private static string Text(ReadOnlySequence<byte> buffer) => Encoding.Latin1.GetString(buffer);

    private sealed class NoLease : IDisposable
    {
        public void Dispose()
        {
        }
    }

    /// <summary>Both directions of a connection as in-memory pipes; the TLS handshake never completes.</summary>
    private sealed class FakeConnection : ISecurableDuplexPipe
    {
        public const int ReplyBufferBytes = 4096;

        private readonly Pipe _toServer = new();
        private readonly Pipe _toClient = new(new PipeOptions(pauseWriterThreshold: ReplyBufferBytes, resumeWriterThreshold: ReplyBufferBytes / 2));
        private readonly SignallingReader _input;

        public FakeConnection() => _input = new SignallingReader(_toServer.Reader, Waiting);

        /// <summary>Released each time the server starts waiting for the client's bytes.</summary>
        public SemaphoreSlim Waiting { get; } = new(0);

        public PipeReader Input => _input;

        public PipeWriter Output => _toClient.Writer;

        public bool IsSecure => false;

        public SslProtocols SslProtocol => SslProtocols.None;

        public async Task SendAsync(string text) => await _toServer.Writer.WriteAsync(Encoding.Latin1.GetBytes(text));

        /// <summary>Everything written to the client so far.</summary>
        public async Task<string> RepliesAsync()
        {
            var result = await _toClient.Reader.ReadAsync().AsTask().WaitAsync(Guard);
            var text = Text(result.Buffer);
            _toClient.Reader.AdvanceTo(result.Buffer.End);
            return text;
        }

        public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
            new TaskCompletionSource().Task.WaitAsync(cancellationToken);

        public void Dispose() => Waiting.Dispose();
    }

    private sealed class SignallingReader(PipeReader inner, SemaphoreSlim waiting) : PipeReader
    {
        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var read = inner.ReadAsync(cancellationToken);
            waiting.Release();
            return read;
        }

        public override bool TryRead(out ReadResult result) => inner.TryRead(out result);
    }
}
