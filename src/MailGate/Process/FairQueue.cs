namespace MailGate.Process;

/// <summary>
/// A queue that takes turns between keys: items of one key come out in the order they went in, and
/// each key with items waiting gets one item out in turn. So a flood under one key delays an item
/// under another by at most one item per key waiting, not by the whole flood. Thread-safe.
/// </summary>
/// <typeparam name="T">The items.</typeparam>
internal sealed class FairQueue<T> : IDisposable
{
    private readonly Dictionary<string, Queue<T>> _byKey = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _turns = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly Lock _lock = new();
    private int _count;

    /// <summary>How many items are waiting.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Releases the wait handle.</summary>
    public void Dispose() => _available.Dispose();

    /// <summary>Adds <paramref name="item"/> at the end of <paramref name="key"/>'s queue.</summary>
    public void Enqueue(string key, T item)
    {
        lock (_lock)
        {
            if (!_byKey.TryGetValue(key, out var queue))
            {
                _byKey[key] = queue = new Queue<T>();
                _turns.AddLast(key);
            }

            queue.Enqueue(item);
            _count++;
        }

        _available.Release();
    }

    /// <summary>Waits for an item and takes the next one in turn.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public async Task<T> DequeueAsync(CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Take();
    }

    /// <summary>Takes the next item in turn if one is waiting, without waiting.</summary>
    public bool TryDequeue(out T item)
    {
        if (!_available.Wait(0))
        {
            item = default!;
            return false;
        }

        item = Take();
        return true;
    }

    private T Take()
    {
        lock (_lock)
        {
            var key = _turns.First!.Value;
            _turns.RemoveFirst();
            var queue = _byKey[key];
            var item = queue.Dequeue();
            if (queue.Count > 0)
            {
                _turns.AddLast(key);
            }
            else
            {
                _byKey.Remove(key);
            }

            _count--;
            return item;
        }
    }
}
