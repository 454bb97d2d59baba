namespace MailGate.Spool;

/// <summary>
/// One spell of leading a role (<see cref="RoleLeadership.LeadAsync"/>): renews the lease every
/// <see cref="RoleLeadership.TryInterval"/> and cancels <see cref="Token"/> the moment this replica may no longer
/// act — a renewal failed, no renewal succeeded in time, or the shutdown came. Disposing ends the renewals (the row is
/// given up when the storage is disposed, at shutdown; until then this replica keeps the role).
/// </summary>
internal sealed class LeaderTerm : IDisposable
{
    private readonly RoleLeadership _leadership;
    private readonly string _role;
    private readonly CancellationTokenSource _expiry;
    private readonly CancellationTokenSource _lost;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewals;

    internal LeaderTerm(RoleLeadership leadership, string role, long renewalStarted, CancellationToken stopping)
    {
        _leadership = leadership;
        _role = role;
        _expiry = new CancellationTokenSource(Positive(leadership.Deadline(renewalStarted)), leadership.Time);
        _lost = CancellationTokenSource.CreateLinkedTokenSource(stopping, _expiry.Token);
        _expiry.Token.Register(() => _leadership.Changed(_role, leading: false, "no renewal of the lease succeeded in time"));
        _renewals = RenewAsync();
    }

    /// <summary>Cancelled when this replica must stop acting in the role (leadership lost, or shutdown).</summary>
    public CancellationToken Token => _lost.Token;

    /// <summary>Stops renewing; the role is marked not led here (the gauge reads 0).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _renewals.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // RenewAsync ends by cancellation only.
        }

        _leadership.Ended(_role);
        _lost.Dispose();
        _expiry.Dispose();
        _stop.Dispose();
    }

    private static TimeSpan Positive(TimeSpan span) => span > TimeSpan.Zero ? span : TimeSpan.FromTicks(1);

    private async Task RenewAsync()
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, _lost.Token);
        using var timer = new PeriodicTimer(_leadership.TryInterval, _leadership.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(both.Token).ConfigureAwait(false))
            {
                var started = _leadership.Time.GetTimestamp();
                if (!_leadership.Renew(_role))
                {
                    _leadership.Changed(_role, leading: false, "the lease could not be renewed (another replica took it over, or the storage cannot be reached)");
                    await _lost.CancelAsync().ConfigureAwait(false);
                    return;
                }

                _expiry.CancelAfter(Positive(_leadership.Deadline(started)));
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed, lost or shutting down.
        }
    }
}
