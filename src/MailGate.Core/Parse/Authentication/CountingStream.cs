using MimeKit;

namespace MailGate.Core.Parse.Authentication;

/// <summary>A write-only stream that only counts what is written to it.</summary>
internal sealed class CountingStream : Stream
{
    private long _length;

    /// <summary>The length of <paramref name="message"/>'s body as received (what a DKIM signature without <c>l=</c> hashes, before canonicalization).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<long> BodyLengthAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        if (message.Body is null)
        {
            return 0;
        }

        var counter = new CountingStream();
        await using (counter.ConfigureAwait(false))
        {
            await message.Body.WriteToAsync(FormatOptions.Default, counter, contentOnly: true, cancellationToken).ConfigureAwait(false);
            return counter.Length;
        }
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => _length += count;

    public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        _length += count;
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _length += buffer.Length;
        return ValueTask.CompletedTask;
    }
}
