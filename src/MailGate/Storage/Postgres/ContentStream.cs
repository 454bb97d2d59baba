using System.Buffers;

namespace MailGate.Storage.Postgres;

/// <summary>
/// A read-only, seekable view of a message's bytes: a <see cref="ReadOnlySequence{T}"/>, then an optional CRLF. For
/// the <c>INSERT</c>, Npgsql writes a <c>bytea</c> parameter from it in chunks of its own buffer (the length comes from
/// <see cref="Length"/>), so the content SmtpServer handed over is never copied into one array; read back, it serves
/// the chunks of <see cref="ContentChunks"/>.
/// </summary>
/// <remarks>The sequence is read, not copied: its owner keeps it unchanged until the commit that reads it has finished
/// (SmtpServer holds its buffer until the 250 is decided; the pollers hold their arrays). A stream given the sequence's
/// owner disposes it when disposed (pooled arrays go back), and refuses to read after that.</remarks>
internal sealed class ContentStream : Stream
{
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();
    private readonly ReadOnlySequence<byte> _content;
    private readonly int _suffix;
    private IDisposable? _owner;
    private bool _disposed;
    private long _position;

    /// <param name="content">The bytes to read.</param>
    /// <param name="appendCrlf">Whether a CRLF follows them.</param>
    /// <param name="owner">Disposed with this stream: what lends <paramref name="content"/>'s memory, if it is lent.</param>
    public ContentStream(ReadOnlySequence<byte> content, bool appendCrlf, IDisposable? owner = null)
    {
        _content = content;
        _suffix = appendCrlf ? 2 : 0;
        _owner = owner;
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => true;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <summary>The content's length plus the CRLF, in bytes.</summary>
    public override long Length => _content.Length + _suffix;

    /// <inheritdoc/>
    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The stream was disposed (its memory may be someone else's now).</exception>
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var done = 0;
        if (_position < _content.Length)
        {
            var part = _content.Slice(_position, Math.Min(buffer.Length, _content.Length - _position));
            part.CopyTo(buffer);
            done = (int)part.Length;
            _position += done;
        }

        var intoSuffix = _position - _content.Length;
        if (done < buffer.Length && intoSuffix >= 0 && intoSuffix < _suffix)
        {
            var tail = Crlf.AsSpan((int)intoSuffix, (int)Math.Min(_suffix - intoSuffix, buffer.Length - done));
            tail.CopyTo(buffer[done..]);
            done += tail.Length;
            _position += tail.Length;
        }

        return done;
    }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        if (disposing)
        {
            Interlocked.Exchange(ref _owner, null)?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
