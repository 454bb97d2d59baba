using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace MailGate.Core.Spool;

/// <summary>
/// Group commit for the spool: many SMTP sessions finishing DATA at once share the same two flushes
/// to disk instead of paying four fsyncs each.
/// </summary>
/// <remarks>
/// <para>Each session writes its message folder in <c>incoming/</c> without flushing and queues it here.
/// One dedicated thread takes every folder queued so far and, for the whole batch: <c>syncfs</c> (the
/// files and their folders are on disk), renames each folder into <c>active/</c>, <c>syncfs</c> again
/// (the renames are on disk), then releases the waiting sessions, which only now answer 250. While a
/// batch is being flushed the next one gathers, so the cost per message falls as load rises.</para>
/// <para>A crash before the second flush leaves folders in <c>incoming/</c> (never acknowledged: deleted at
/// start) or complete folders in <c>active/</c>; never a half-written message in <c>active/</c>.</para>
/// <para><c>syncfs</c> flushes every file system change on the spool's volume, so the spool should have a
/// volume of its own (the container's <c>/var/lib/mailgate</c>). Linux only; elsewhere the spool
/// flushes file by file.</para>
/// </remarks>
internal sealed partial class GroupCommitter : IDisposable
{
    private readonly BlockingCollection<Pending> _queue = new();
    private readonly int _volume;
    private readonly Thread _thread;
    private long _batches;

    public GroupCommitter(string root)
    {
        _volume = Open(root, 0);
        if (_volume < 0)
        {
            throw new IOException($"cannot open {root} to flush its volume (errno {Marshal.GetLastPInvokeError()})");
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "MailGate spool group commit" };
        _thread.Start();
    }

    /// <summary>Whether group commit can work here (Linux, where syncfs exists).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>How many batches were flushed (for tests and diagnostics).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Makes the unflushed folder <paramref name="from"/> durable as <paramref name="to"/>; completes when it is on disk.</summary>
    public Task CommitAsync(string from, string to)
    {
        var pending = new Pending(from, to);
        _queue.Add(pending);
        return pending.Done.Task;
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(10));
        _queue.Dispose();
        _ = Close(_volume);
    }

    private void Run()
    {
        var batch = new List<Pending>();
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            batch.Clear();
            batch.Add(first);
            while (batch.Count < 1024 && _queue.TryTake(out var next))
            {
                batch.Add(next);
            }

            Flush(batch);
            Interlocked.Increment(ref _batches);
        }
    }

    private void Flush(List<Pending> batch)
    {
        try
        {
            Sync();
        }
#pragma warning disable CA1031 // Whatever failed, every waiting session must get an answer (it becomes 451).
        catch (Exception e)
#pragma warning restore CA1031
        {
            batch.ForEach(p => p.Done.TrySetException(e));
            return;
        }

        var moved = new List<Pending>(batch.Count);
        foreach (var pending in batch)
        {
            try
            {
                Directory.Move(pending.From, pending.To);
                moved.Add(pending);
            }
#pragma warning disable CA1031 // One folder's failure is that message's 451, not the batch's.
            catch (Exception e)
#pragma warning restore CA1031
            {
                pending.Done.TrySetException(e);
            }
        }

        try
        {
            Sync();
            moved.ForEach(p => p.Done.TrySetResult());
        }
#pragma warning disable CA1031
        catch (Exception e)
#pragma warning restore CA1031
        {
            moved.ForEach(p => p.Done.TrySetException(e));
        }
    }

    private void Sync()
    {
        if (SyncFs(_volume) != 0)
        {
            throw new IOException($"syncfs failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    private sealed record Pending(string From, string To)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
