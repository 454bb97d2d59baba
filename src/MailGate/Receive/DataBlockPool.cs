using System.Buffers;
using System.Collections.Concurrent;

namespace MailGate.Receive;

/// <summary>
/// The memory SMTP connections read into (<see cref="PooledDuplexPipe"/>): blocks of <see cref="BlockSize"/> bytes on
/// the pinned object heap, kept and reused as Kestrel's block pool keeps its blocks. A message waits in these blocks
/// from its first byte to its 250, so it stays out of the GC's young generations: in SmtpServer's own pipe (arrays of
/// the shared pool, which keeps few) every DATA in flight was promoted to generations 1 and 2 before it died, and the
/// runtime sized its budgets after it (bench/SYSTEM.md, "Native AOT and the block pool": the 200-session peak fell
/// by about 20 MiB).
/// </summary>
/// <remarks>
/// The pool holds as many blocks as were in use at once (all DATA in flight is at most <c>Smtp:MaxDataInFlight</c>,
/// plus one block or two per connection) and gives back what it does not need: every <see cref="TrimInterval"/>, the
/// blocks that stayed free for the whole interval are dropped (the GC frees them). A request larger than a block gets
/// memory of its own from <see cref="MemoryPool{T}.Shared"/>.
/// </remarks>
internal sealed class DataBlockPool : MemoryPool<byte>
{
    /// <summary>The size of a block, bytes: what one socket read fills at most.</summary>
    public const int BlockSize = 4096;

    /// <summary>How often the blocks that no one used since the last time are dropped.</summary>
    public static readonly TimeSpan TrimInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<byte[]> _free = new(); // a queue: giving a block back allocates nothing (a stack allocates a node)
    private readonly ITimer _trim;
    private int _freeCount;
    private int _lowWater;
    private int _created;

    /// <summary>A pool that trims itself on <paramref name="time"/>'s clock.</summary>
    public DataBlockPool(TimeProvider time) => _trim = time.CreateTimer(_ => Trim(), null, TrimInterval, TrimInterval);

    /// <inheritdoc/>
    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks made since the start (a block dropped by a trim and made again counts twice).</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>Blocks waiting in the pool now.</summary>
    public int Free => Volatile.Read(ref _freeCount);

    /// <summary>A block of <see cref="BlockSize"/> bytes (or shared memory for a larger request); dispose it to give it back.</summary>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
        {
            return Shared.Rent(minBufferSize);
        }

        if (_free.TryDequeue(out var block))
        {
            var free = Interlocked.Decrement(ref _freeCount);
            if (free < Volatile.Read(ref _lowWater))
            {
                Volatile.Write(ref _lowWater, free); // a race only makes the next trim keep a block or two more
            }
        }
        else
        {
            block = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);
            Interlocked.Increment(ref _created);
            Volatile.Write(ref _lowWater, 0);
        }

        return new Lease(this, block);
    }

    /// <summary>Drops the blocks that stayed free since the last trim (at most as many as were never taken meanwhile).</summary>
    internal void Trim()
    {
        var unused = Interlocked.Exchange(ref _lowWater, Volatile.Read(ref _freeCount));
        for (var i = 0; i < unused && _free.TryDequeue(out _); i++)
        {
            Interlocked.Decrement(ref _freeCount);
        }

        Volatile.Write(ref _lowWater, Volatile.Read(ref _freeCount));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _trim.Dispose();
            _free.Clear();
        }
    }

    private void Return(byte[] block)
    {
        _free.Enqueue(block);
        Interlocked.Increment(ref _freeCount);
    }

    /// <summary>One block lent out; given back once, at the first dispose.</summary>
    private sealed class Lease(DataBlockPool pool, byte[] block) : IMemoryOwner<byte>
    {
        private byte[]? _block = block;

        public Memory<byte> Memory => _block ?? throw new ObjectDisposedException(nameof(DataBlockPool));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _block, null) is { } returned)
            {
                pool.Return(returned);
            }
        }
    }
}
