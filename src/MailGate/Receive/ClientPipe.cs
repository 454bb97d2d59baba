using System.Buffers;
using System.IO.Pipelines;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Protocol;

namespace MailGate.Receive;

/// <summary>
/// One client connection as SmtpServer sees it: MailGate's rules for reading from and writing to the
/// client sit here, in front of the library, and the connection slot is given back when the session ends.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Every read has an idle deadline (<see cref="ClientLimits.IdleTimeout"/>): waiting for a command,
/// inside DATA, and for the whole STARTTLS handshake. SmtpServer only times out the wait for a command line.
/// Silence gets <c>421 4.4.2</c> and the connection is closed (a half-done TLS handshake is just closed).</item>
/// <item>Every reply must be taken by the client within the same deadline, or the connection is closed.</item>
/// <item>Command lines are screened (<see cref="CommandScreen"/>) and bounded
/// (<see cref="CommandScreen.MaxLineLength"/>: <c>500 5.5.0</c>, then close).</item>
/// <item>DATA is measured as it arrives (<see cref="DataScanner"/>): a message up to
/// <see cref="ClientLimits.MaxMessageSize"/> reaches the store; a larger one is read to its end without being
/// kept and gets <c>552 5.3.4</c>. SmtpServer's own size check counts the end-of-data marker and sends
/// its 552 only when more input arrives, so it is off.</item>
/// <item>The message goes to the store from here (<see cref="TakeMessage"/>), its transparency dots removed
/// with one copy at most; SmtpServer only sees an end-of-data line. Its own unstuffing kept the first
/// line's dot and made a buffer segment for every dotted line (about 12 times the message in memory).</item>
/// </list>
/// SmtpServer ends every session by completing the input (which closes the socket) and then disposing the
/// pipe; the slot is released at the first of the two, before the socket closes, so a client that sees
/// the connection close can count on its slot being free.
/// </remarks>
internal sealed class ClientPipe : ISecurableDuplexPipe
{
    /// <summary>
    /// What SmtpServer reads for a whole DATA transfer: it then calls the store at once, which takes the
    /// message (<see cref="TakeMessage"/>) or the refusal decided while reading (<see cref="TakeDataRefusal"/>).
    /// </summary>
    internal static readonly byte[] EndOfData = "\r\n.\r\n"u8.ToArray();

    private readonly ISecurableDuplexPipe _inner;
    private readonly IDisposable _lease;
    private ClientReader? _input;
    private DeadlineWriter? _output;
    private SmtpResponse? _dataRefusal;
    private ReadOnlySequence<byte>? _message;
    private int _acceptedRecipients;
    private int _recipientCapReported;
    private ReadDeadline? _readDeadline;
    private long _dataHeld;

    public ClientPipe(ISecurableDuplexPipe inner, IDisposable lease, ClientLimits limits, ClientReport report, TimeProvider time)
    {
        _inner = inner;
        _lease = lease;
        Limits = limits;
        Report = report;
        Time = time;
    }

    /// <summary>The reply to a client that stays silent too long (what Postfix answers).</summary>
    public SmtpResponse IdleResponse => new(SmtpReplyCode.ServiceUnavailable, $"4.4.2 {Limits.ServerName} Error: timeout exceeded");

    /// <summary><see cref="IdleResponse"/> as a reply line.</summary>
    public string IdleReply => $"421 {IdleResponse.Message}";

    public ClientLimits Limits { get; }

    public ClientReport Report { get; }

    public TimeProvider Time { get; }

    /// <summary>The idle deadline of this session's reads (<see cref="ClientInput"/>), freed with the pipe.</summary>
    public ReadDeadline ReadDeadline => _readDeadline ??= new ReadDeadline(Limits.IdleTimeout, Time);

    /// <summary>Whether the next read is the message after <c>354</c>.</summary>
    public bool InData { get; private set; }

    /// <summary>Whether MailGate has ended the session: every further read reports the end of input.</summary>
    public bool Ended { get; set; }

    /// <summary>Recipients accepted in the current transaction.</summary>
    public int AcceptedRecipients => Volatile.Read(ref _acceptedRecipients);

    // STARTTLS replaces the inner Input and Output: always go through the inner pipe's current ones.
    public PipeReader Input
    {
        get
        {
            var current = _inner.Input;
            if (_input is null || !ReferenceEquals(_input.Inner, current))
            {
                _input = new ClientReader(current, this);
            }

            return _input;
        }
    }

    public PipeWriter Output
    {
        get
        {
            var current = _inner.Output;
            if (_output is null || !ReferenceEquals(_output.Inner, current))
            {
                _output = new DeadlineWriter(current, this);
            }

            return _output;
        }
    }

    public bool IsSecure => _inner.IsSecure;

    public SslProtocols SslProtocol => _inner.SslProtocol;

    /// <summary>
    /// Keeps the pipe informed of the session's commands: a transaction starts at MAIL and ends at RSET or
    /// after DATA; DATA with accepted recipients makes the next read the message.
    /// </summary>
    public void Follow(ISessionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.CommandExecuting += (_, e) =>
        {
            switch (e.Command)
            {
                case MailCommand or RsetCommand:
                    NewTransaction();
                    break;
                case DataCommand when AcceptedRecipients > 0:
                    BeginData();
                    break;
            }
        };
        context.CommandExecuted += (_, e) =>
        {
            if (e.Command is DataCommand)
            {
                InData = false;
                NewTransaction();
            }
        };
    }

    /// <summary>
    /// Whether the recipient cap was already reported in this transaction; marks it reported (it is logged
    /// once per transaction and counted every time).
    /// </summary>
    public bool RecipientCapReported() => Interlocked.Exchange(ref _recipientCapReported, 1) == 1;

    /// <summary>Counts one recipient accepted at RCPT TO.</summary>
    public void RecipientAccepted() => Interlocked.Increment(ref _acceptedRecipients);

    /// <summary>The next read is the message (SmtpServer is about to answer DATA with 354).</summary>
    public void BeginData() => InData = true;

    /// <summary>The message has been handed over (or refused).</summary>
    public void EndData() => InData = false;

    /// <summary>Makes <paramref name="refusal"/> the reply to the DATA being read (see <see cref="TakeDataRefusal"/>).</summary>
    public void RefuseData(SmtpResponse refusal) => _dataRefusal = refusal;

    /// <summary>
    /// The reply decided while reading DATA, once; null when the message is to be stored. The message store
    /// asks first: the data it was given is then empty and means nothing.
    /// </summary>
    public SmtpResponse? TakeDataRefusal() => Interlocked.Exchange(ref _dataRefusal, null);

    /// <summary>
    /// Holds <paramref name="messageBytes"/> of DATA (the message so far) in <see cref="ClientLimits.Budget"/>, taking
    /// only what is new since the last call; false when the budget has no room (nothing more is taken then).
    /// </summary>
    public bool HoldData(long messageBytes)
    {
        if (Limits.Budget is not { } budget)
        {
            return true;
        }

        var more = messageBytes - Interlocked.Read(ref _dataHeld);
        if (more <= 0)
        {
            return true;
        }

        if (!budget.TryTake(more, messageBytes))
        {
            return false;
        }

        Interlocked.Add(ref _dataHeld, more);
        return true;
    }

    /// <summary>Gives back what <see cref="HoldData"/> took (after the store's answer, a refusal, or the session's end).</summary>
    public void ReleaseData()
    {
        var held = Interlocked.Exchange(ref _dataHeld, 0);
        if (held > 0)
        {
            Limits.Budget?.Give(held);
        }
    }

    /// <summary>Makes <paramref name="message"/> what the store gets for the DATA being read (see <see cref="TakeMessage"/>).</summary>
    public void HandOver(ReadOnlySequence<byte> message) => _message = message;

    /// <summary>
    /// The message of the DATA just read, once, as SmtpServer would give it (transparency dots removed, without
    /// the CRLF before the end-of-data line); null when there is none. The bytes are valid until the store
    /// returns.
    /// </summary>
    public ReadOnlySequence<byte>? TakeMessage()
    {
        var message = _message;
        _message = null;
        return message;
    }

    /// <summary>
    /// Writes <paramref name="reply"/> + CRLF to the client; false when the client cannot take it in time
    /// (logged and counted as <see cref="Output"/> does) or is gone.
    /// </summary>
    public async Task<bool> TryWriteReplyAsync(string reply)
    {
        try
        {
            await Output.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n")).ConfigureAwait(false);
            return true;
        }
#pragma warning disable CA1031 // The client may be gone already; the session ends either way.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default)
    {
        using var deadline = new CancellationTokenSource(Limits.IdleTimeout, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await _inner.UpgradeAsync(certificate, protocols, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.TlsHandshakeTimedOut(Report.Logger, Report.SessionId, Report.ClientAddress, Limits.IdleTimeout);
            Report.Rejected(421, "tls_handshake_timeout");

            // Not a cancellation: SmtpServer would answer in plaintext into the half-done handshake and go on
            // reading. Any other exception ends the session and closes the connection.
            throw new AuthenticationException("The STARTTLS handshake timed out");
        }
    }

    public void Dispose()
    {
        ReleaseSlot();
        ReleaseData();
        _readDeadline?.Dispose();
        _inner.Dispose();
    }

    private void NewTransaction()
    {
        Volatile.Write(ref _acceptedRecipients, 0);
        Volatile.Write(ref _recipientCapReported, 0);
    }

    /// <summary>Gives the connection slot back (once).</summary>
    public void ReleaseSlot() => _lease.Dispose();
}
