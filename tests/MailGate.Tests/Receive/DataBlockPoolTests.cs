using System.Runtime.InteropServices;
using MailGate.Receive;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Receive;

/// <summary>
/// The blocks SMTP connections read into: lent once, given back once, reused, and dropped when they stayed free for a
/// whole trim interval.
/// </summary>
[TestFixture]
public sealed class DataBlockPoolTests
{
    private readonly FakeTimeProvider _time = new();

    [Test]
    public void Rent_GivesABlock_AndItIsReusedOnceGivenBack()
    {
        using var pool = new DataBlockPool(_time);

        var first = pool.Rent();
        var firstArray = ArrayOf(first);
        first.Dispose();
        using var second = pool.Rent();

        Assert.That((firstArray.Length, ReferenceEquals(ArrayOf(second), firstArray), pool.Created, pool.Free), Is.EqualTo((DataBlockPool.BlockSize, true, 1, 0)));
    }

    [Test]
    public void Dispose_Twice_GivesTheBlockBackOnce()
    {
        using var pool = new DataBlockPool(_time);
        var lease = pool.Rent();

        lease.Dispose();
        lease.Dispose();
        using var a = pool.Rent();
        using var b = pool.Rent();

        Assert.That((ReferenceEquals(ArrayOf(a), ArrayOf(b)), pool.Created, pool.Free), Is.EqualTo((false, 2, 0)));
        Assert.Throws<ObjectDisposedException>(() => _ = lease.Memory);
    }

    [TestCase(-1, DataBlockPool.BlockSize, 1)]
    [TestCase(1, DataBlockPool.BlockSize, 1)]
    [TestCase(DataBlockPool.BlockSize, DataBlockPool.BlockSize, 1)]
    [TestCase(DataBlockPool.BlockSize + 1, DataBlockPool.BlockSize + 1, 0)]
    [TestCase(100_000, 100_000, 0)]
    public void Rent_ABlockUpToItsSize_LargerFromTheSharedPool(int asked, int atLeast, int created)
    {
        using var pool = new DataBlockPool(_time);

        using var lease = pool.Rent(asked);

        Assert.That((lease.Memory.Length >= atLeast, pool.Created), Is.EqualTo((true, created)));
    }

    [Test]
    public void Trim_DropsOnlyTheBlocksNoOneTookForAWholeInterval()
    {
        using var pool = new DataBlockPool(_time);
        GiveBack(RentMany(pool, 10)); // a burst: 10 blocks made, all free again

        _time.Advance(DataBlockPool.TrimInterval); // they were all in use during this interval: kept
        var afterBurst = pool.Free;
        GiveBack(RentMany(pool, 3)); // 3 of them used again, 7 stayed free
        _time.Advance(DataBlockPool.TrimInterval);
        var afterUse = pool.Free;
        _time.Advance(DataBlockPool.TrimInterval); // nothing used: the rest go
        var afterIdle = pool.Free;

        Assert.That((afterBurst, afterUse, afterIdle, pool.Created), Is.EqualTo((10, 3, 0, 10)));
    }

    [Test]
    public void ManyThreads_NoBlockLostOrLentTwice()
    {
        using var pool = new DataBlockPool(_time);
        var inUse = new System.Collections.Concurrent.ConcurrentDictionary<byte[], bool>(ReferenceEqualityComparer.Instance);
        var lentTwice = 0;

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            var lease = pool.Rent();
            var array = ArrayOf(lease);
            if (!inUse.TryAdd(array, true))
            {
                Interlocked.Increment(ref lentTwice);
            }

            inUse.TryRemove(array, out var _);
            lease.Dispose();
        });

        Assert.That((lentTwice, pool.Free), Is.EqualTo((0, pool.Created)));
    }

    private static List<System.Buffers.IMemoryOwner<byte>> RentMany(DataBlockPool pool, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => pool.Rent())];

    private static void GiveBack(List<System.Buffers.IMemoryOwner<byte>> leases) => leases.ForEach(lease => lease.Dispose());

    private static byte[] ArrayOf(System.Buffers.IMemoryOwner<byte> lease) =>
        MemoryMarshal.TryGetArray<byte>(lease.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");
}
