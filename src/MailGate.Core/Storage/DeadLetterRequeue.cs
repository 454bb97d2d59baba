namespace MailGate.Core.Storage;

/// <summary>The state transition of a re-queued dead letter, the same for every backend (<see cref="ISpoolAdministration.Requeue"/>).</summary>
public static class DeadLetterRequeue
{
    /// <summary>
    /// The state a re-queued dead letter gets: the decision and its events are kept (the same dedup keys are
    /// sent, never a new decision), failed deliveries (rejected, expired, route missing) are pending again with
    /// their age counted from <paramref name="now"/> (<see cref="DeliveryRecord.RequeuedAt"/>), delivered ones
    /// stay delivered; a message that failed before any decision (<see cref="ProcessingState.Error"/>) is undecided again.
    /// </summary>
    public static ProcessingState Requeued(ProcessingState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Error is not null)
        {
            return new ProcessingState();
        }

        return state with
        {
            Deliveries = state.Deliveries.Select(d => d.Status is DeliveryStatus.Rejected or DeliveryStatus.Expired or DeliveryStatus.RouteMissing
                ? d with { Status = DeliveryStatus.Pending, CompletedAt = null, RequeuedAt = now }
                : d).ToArray(),
        };
    }
}
