using MailGate.Core.Messages;
using MailGate.Core.Storage;
using MailGate.Storage.Postgres;
using MailGate.Tests.Shared;
using System.Buffers;

namespace MailGate.Tests.Storage;

/// <summary>
/// The PostgreSQL content path without whole-message copies: the <c>INSERT</c> reads SmtpServer's (multi-segment)
/// buffer through <see cref="ContentStream"/>, the read-back comes in <see cref="ContentChunks"/>; both give back
/// exactly the bytes stored, CRLF added for mail, at the sizes around the chunk boundary.
/// </summary>
[TestFixture]
public sealed class PostgresContentTests : PostgresDatabaseTest
{
    private const int Chunk = ContentChunks.ChunkSize;

    /// <summary>Bytes 0..n-1 (mod 251), cut into segments of <paramref name="segment"/> bytes.</summary>
    private static (byte[] Bytes, ReadOnlySequence<byte> Sequence) Content(int n, int segment)
    {
        var bytes = Enumerable.Range(0, n).Select(i => (byte)(i % 251)).ToArray();
        return (bytes, Segments.Of(bytes, segment));
    }

    private static byte[] WithCrlf(byte[] bytes, bool crlf) => crlf ? [.. bytes, (byte)'\r', (byte)'\n'] : bytes;

    [TestCase(0, 1, false, 1)]
    [TestCase(0, 1, true, 1)]
    [TestCase(1, 1, true, 1)]
    [TestCase(10, 3, true, 4)]
    [TestCase(10, 3, false, 7)]
    [TestCase(10, 10, true, 11)]
    [TestCase(10, 10, true, 12)]
    [TestCase(5000, 4096, true, 8192)]
    [TestCase(5000, 333, true, 4999)]
    [TestCase(5000, 333, false, 5001)]
    public void ContentStream_AnySegmentsAndReadSize_ReadsTheBytesThenTheCrlf(int n, int segment, bool crlf, int readSize)
    {
        var (bytes, sequence) = Content(n, segment);
        using var stream = new ContentStream(sequence, crlf);
        var expected = WithCrlf(bytes, crlf);

        Assert.That(stream.Length, Is.EqualTo(expected.Length));
        Assert.That(ReadAll(stream, readSize), Is.EqualTo(expected));
        Assert.That(stream.Read(new byte[readSize]), Is.Zero, "at the end");
        stream.Seek(0, SeekOrigin.Begin);
        Assert.That(ReadAll(stream, readSize), Is.EqualTo(expected), "again after seeking to the start");
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(Chunk - 2)]
    [TestCase(Chunk - 1)]
    [TestCase(Chunk)]
    [TestCase(2 * Chunk)]
    [TestCase(100 * 1024)]
    [TestCase((3 * Chunk) + 17)]
    public async Task CommitThenOpenContent_MultiSegmentMail_SameBytesPlusCrlf(int n)
    {
        using var storage = Open();
        var (bytes, sequence) = Content(n, 4096);
        var envelope = Envelope.ForMail("bounce@example.com", ["aws-abuse@mailgate.example.com"], new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), "192.0.2.1", "s");

        var message = await storage.CommitAsync(envelope, sequence, CancellationToken.None);
        using var content = storage.OpenContent(message);

        Assert.That(ReadAll(content, 1000), Is.EqualTo(WithCrlf(bytes, crlf: true)));
    }

    [Test]
    public void ContentStream_Disposed_DisposesItsOwnerOnce_AndRefusesToRead()
    {
        var owner = new CountingOwner();
        var stream = new ContentStream(Content(10, 3).Sequence, appendCrlf: true, owner);

        stream.Dispose();
        stream.Dispose();

        Assert.That(owner.Disposals, Is.EqualTo(1));
        Assert.That(() => stream.Read(new byte[4]), Throws.TypeOf<ObjectDisposedException>(), "its memory is back in the pool");
    }

    [Test]
    public async Task OpenContent_ReadBackIntoPooledChunks_RefusesToReadAfterDispose()
    {
        using var storage = Open();
        var (bytes, sequence) = Content(100 * 1024, 4096);
        var envelope = Envelope.ForMail("bounce@example.com", ["aws-abuse@mailgate.example.com"], new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), "192.0.2.1", "s");
        var message = await storage.CommitAsync(envelope, sequence, CancellationToken.None);

        var content = storage.OpenContent(message);
        var first = ReadAll(content, 4096);
        await content.DisposeAsync();

        Assert.That(first, Is.EqualTo(WithCrlf(bytes, crlf: true)));
        Assert.That(() => content.Read(new byte[1]), Throws.TypeOf<ObjectDisposedException>());
        using var again = storage.OpenContent(message);
        Assert.That(ReadAll(again, 777), Is.EqualTo(WithCrlf(bytes, crlf: true)), "a second read borrows again");
    }

    /// <summary>
    /// A content disposed more than once (a reader over it disposes it, then its <c>using</c> does) gives its arrays
    /// back once: an array returned twice is lent to two messages at once, and one of them is read with the other's bytes.
    /// </summary>
    [Test]
    public async Task OpenContent_DisposedTwice_TwoMessagesOpenAfterwards_EachReadsItsOwnBytes()
    {
        using var storage = Open();
        var envelope = Envelope.ForMail("bounce@example.com", ["aws-abuse@mailgate.example.com"], new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), "192.0.2.1", "s");
        var a = Enumerable.Repeat((byte)'a', (2 * Chunk) + 5).ToArray();
        var b = Enumerable.Repeat((byte)'b', (2 * Chunk) + 5).ToArray();
        var messageA = await storage.CommitAsync(envelope, new ReadOnlySequence<byte>(a), CancellationToken.None);
        var messageB = await storage.CommitAsync(envelope, new ReadOnlySequence<byte>(b), CancellationToken.None);

        var disposedTwice = storage.OpenContent(messageA);
        using (var reader = new StreamReader(disposedTwice))
        {
            _ = reader.ReadToEnd();
        }

        disposedTwice.Dispose();
        using var first = storage.OpenContent(messageB);
        using var second = storage.OpenContent(messageA);

        Assert.That(ReadAll(first, 4096), Is.EqualTo(WithCrlf(b, crlf: true)));
        Assert.That(ReadAll(second, 4096), Is.EqualTo(WithCrlf(a, crlf: true)));
    }

    private sealed class CountingOwner : IDisposable
    {
        public int Disposals { get; private set; }

        public void Dispose() => Disposals++;
    }

    private static byte[] ReadAll(Stream stream, int readSize)
    {
        using var all = new MemoryStream();
        var buffer = new byte[readSize];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            all.Write(buffer, 0, read);
        }

        return all.ToArray();
    }
}
