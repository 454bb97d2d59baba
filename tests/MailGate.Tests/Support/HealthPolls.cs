using MailGate.HealthEvents;

namespace MailGate.Tests.Support;

/// <summary>Waits on the Health poller's own signal (<see cref="HealthPollStatus.Attempted"/>), bounded only as a failure guard.</summary>
internal static class HealthPolls
{
    /// <summary>Waits until <paramref name="polls"/> more polls (completed or failed) have run.</summary>
    public static async Task WaitForPollsAsync(this HealthPollStatus status, int polls, TimeSpan guard)
    {
        var target = status.Attempts + polls;
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<long> attempted = (_, count) =>
        {
            if (count >= target)
            {
                reached.TrySetResult();
            }
        };
        status.Attempted += attempted;
        try
        {
            if (status.Attempts < target)
            {
                await reached.Task.WaitAsync(guard);
            }
        }
        finally
        {
            status.Attempted -= attempted;
        }
    }
}
