using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that moves forward only when code waits on it: <see cref="RunAsync{T}"/>
/// advances the clock by exactly each timer's due time (a retry's backoff) as it is created, so no
/// test waits for a real delay and no request in flight sees time jump.
/// </summary>
internal sealed class DrivenTime(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _waits = [];
    private Task<TimeSpan>? _pendingTimer;

    /// <summary>Every wait that code started on this clock (Polly's retry delays), in order.</summary>
    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_lock)
            {
                return [.. _waits];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_lock)
            {
                _waits.Add(dueTime);
            }

            _created.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    /// <summary>Awaits <paramref name="task"/>, advancing the clock through every wait it starts; fails after 20 real seconds.</summary>
    public async Task<T> RunAsync<T>(Task<T> task)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            _pendingTimer ??= _created.Reader.ReadAsync().AsTask();
            var first = await Task.WhenAny(task, _pendingTimer).WaitAsync(guard.Token);
            if (first == task)
            {
                return await task;
            }

            var due = await _pendingTimer;
            _pendingTimer = null;
            Advance(due);
        }
    }

    /// <summary>As <see cref="RunAsync{T}(Task{T})"/>, for a task without a result.</summary>
    public Task RunAsync(Task task) => RunAsync(Completion(task));

    private static async Task<bool> Completion(Task task)
    {
        await task;
        return true;
    }
}
