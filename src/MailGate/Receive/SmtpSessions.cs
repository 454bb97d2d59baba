using MailGate.Observability;
using SmtpServer;
using SmtpServer.Protocol;

namespace MailGate.Receive;

/// <summary>
/// Counts open SMTP sessions and those in the middle of DATA (from the DATA command until its reply),
/// so that shutdown can wait for messages in transfer instead of cutting them off.
/// </summary>
internal sealed class SmtpSessions(MailGateMetrics metrics)
{
    private readonly HashSet<ISessionContext> _inData = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _open;

    public int Open => Volatile.Read(ref _open);

    public int InData
    {
        get
        {
            lock (_lock)
            {
                return _inData.Count;
            }
        }
    }

    /// <summary>Marks a session <see cref="Opened"/> sees, so that <see cref="Closed"/> counts each once.</summary>
    private const string OpenedKey = "MailGate:SessionOpened";

    public void Opened(ISessionContext context)
    {
        context.Properties[OpenedKey] = true;
        Interlocked.Increment(ref _open);
        metrics.SessionOpened();
        context.CommandExecuting += (_, e) =>
        {
            if (e.Command is DataCommand)
            {
                Change(() => _inData.Add(context));
            }
        };
        context.CommandExecuted += (_, e) =>
        {
            if (e.Command is DataCommand)
            {
                Change(() => _inData.Remove(context));
            }
        };
    }

    /// <summary>
    /// Counts a session closed once, and only one that was opened: SmtpServer also reports an accept that failed (no
    /// session yet, e.g. out of file descriptors) as a faulted session, which must not make the count read low.
    /// </summary>
    public void Closed(ISessionContext context)
    {
        if (!context.Properties.Remove(OpenedKey))
        {
            return;
        }

        Interlocked.Decrement(ref _open);
        metrics.SessionClosed();
        Change(() => _inData.Remove(context));
    }

    /// <summary>Waits until no session is in DATA, or <paramref name="grace"/> has passed; true when drained.</summary>
    public async Task<bool> WaitForDataToFinishAsync(TimeSpan grace, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(grace, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_inData.Count == 0)
                {
                    return true;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    private void Change(Action change)
    {
        lock (_lock)
        {
            change();
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
