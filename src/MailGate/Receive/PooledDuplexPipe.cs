using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer.IO;

namespace MailGate.Receive;

/// <summary>
/// One client connection's pipe, as SmtpServer's own (<c>SecurableDuplexPipe</c>) but reading into
/// <see cref="DataBlockPool"/>'s blocks: the socket's stream, then a TLS stream over it after STARTTLS.
/// </summary>
internal sealed class PooledDuplexPipe : ISecurableDuplexPipe
{
    private readonly Stream _network;
    private readonly DataBlockPool _pool;
    private Stream _stream;
    private int _disposed;

    public PooledDuplexPipe(Stream network, DataBlockPool pool)
    {
        _network = network;
        _pool = pool;
        _stream = network;
        (Input, Output) = Over(network);
    }

    public PipeReader Input { get; private set; }

    public PipeWriter Output { get; private set; }

    public bool IsSecure => _stream is SslStream;

    public SslProtocols SslProtocol => _stream is SslStream tls ? tls.SslProtocol : SslProtocols.None;

    /// <summary>Authenticates as the server over the connection and reads and writes through TLS from then on (RFC 3207).</summary>
    /// <exception cref="AuthenticationException">The handshake failed.</exception>
    public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default)
    {
        var tls = new SslStream(_network, leaveInnerStreamOpen: true);
        try
        {
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    AllowRenegotiation = false,
                    ServerCertificate = certificate,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    ClientCertificateRequired = false,
                    EnabledSslProtocols = protocols,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A failed or timed-out handshake: its TLS state is freed now, not by a finalizer (the session ends).
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var (plainInput, plainOutput) = (Input, Output);
        _stream = tls;
        (Input, Output) = Over(tls);

        // What the client pipelined after STARTTLS is discarded (RFC 3207 §4.2); the plaintext reader's blocks go
        // back to the pool (nothing reads them any more, and the session completes only the current reader).
        await plainInput.CompleteAsync().ConfigureAwait(false);
        await plainOutput.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the connection (the TLS stream, then the socket).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            if (_stream != _network)
            {
                _stream.Dispose();
            }

            _network.Dispose();
        }
    }

    private (PipeReader, PipeWriter) Over(Stream stream) =>
        (PipeReader.Create(stream, new StreamPipeReaderOptions(_pool, DataBlockPool.BlockSize, minimumReadSize: 1024, leaveOpen: true)),
         PipeWriter.Create(stream, new StreamPipeWriterOptions(_pool, DataBlockPool.BlockSize, leaveOpen: true)));
}
