using System.IO.Pipelines;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer.IO;

namespace MailGate.Receive;

/// <summary>
/// A session's pipe that gives its connection slot back when the session ends. SmtpServer ends every
/// session by completing the pipe's input (which closes the socket: the reader owns the stream) and then
/// disposing the pipe; the slot is released at the first of the two, before the socket closes, so a
/// client that sees the connection close can count on its slot being free.
/// </summary>
internal sealed class LeasedPipe(ISecurableDuplexPipe inner, IDisposable lease) : ISecurableDuplexPipe
{
    private ReleasingReader? _input;

    // STARTTLS replaces the inner Input and Output: always go through the inner pipe's current ones.
    public PipeReader Input
    {
        get
        {
            var current = inner.Input;
            if (_input is null || !ReferenceEquals(_input.Inner, current))
            {
                _input = new ReleasingReader(current, lease);
            }

            return _input;
        }
    }

    public PipeWriter Output => inner.Output;

    public bool IsSecure => inner.IsSecure;

    public SslProtocols SslProtocol => inner.SslProtocol;

    public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
        inner.UpgradeAsync(certificate, protocols, cancellationToken);

    public void Dispose()
    {
        lease.Dispose();
        inner.Dispose();
    }

    private sealed class ReleasingReader(PipeReader inner, IDisposable lease) : PipeReader
    {
        public PipeReader Inner => inner;

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => inner.ReadAsync(cancellationToken);

        public override bool TryRead(out ReadResult result) => inner.TryRead(out result);

        public override void Complete(Exception? exception = null)
        {
            lease.Dispose();
            inner.Complete(exception);
        }

        public override ValueTask CompleteAsync(Exception? exception = null)
        {
            lease.Dispose();
            return inner.CompleteAsync(exception);
        }
    }
}
