namespace MailGate.Tests.Support;

/// <summary>Waits on an event that reports a running count (e.g. a background service's <c>Checked</c>), without polling.</summary>
internal static class CountedEvents
{
    /// <summary>Returns once <paramref name="current"/> is at least <paramref name="count"/>, listening to the event through <paramref name="subscribe"/>/<paramref name="unsubscribe"/>.</summary>
    /// <exception cref="TimeoutException">The count was not reached within <paramref name="timeout"/>.</exception>
    public static async Task ReachedAsync(Func<int> current, Action<EventHandler<int>> subscribe, Action<EventHandler<int>> unsubscribe, int count, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<int> handler = (_, value) =>
        {
            if (value >= count)
            {
                reached.TrySetResult();
            }
        };
        subscribe(handler);
        try
        {
            if (current() < count)
            {
                await reached.Task.WaitAsync(timeout);
            }
        }
        finally
        {
            unsubscribe(handler);
        }
    }
}
