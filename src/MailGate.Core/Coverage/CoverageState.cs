namespace MailGate.Core.Coverage;

/// <summary>One account's coverage, as <c>mailgate coverage</c>, <c>/coverage</c> and the metrics show it.</summary>
public enum CoverageState
{
    /// <summary>No probe has arrived yet, and none is overdue (never sent, or the first one is within its deadline).</summary>
    Pending,

    /// <summary>The newest probe arrived, or an earlier one did and the newest is still within its deadline.</summary>
    Ok,

    /// <summary>The newest probe was sent and has not arrived within <c>Coverage:Deadline</c>: the path is broken.</summary>
    Missing,

    /// <summary>The relay did not take the newest probe (<see cref="ProbeSent.FailedRounds"/> &gt; 0).</summary>
    SendFailed,
}

/// <summary>Derives an account's <see cref="CoverageState"/> from its two documents (pure).</summary>
public static class CoverageStates
{
    /// <summary>The state's name as shown and logged: <c>pending</c>, <c>ok</c>, <c>missing</c>, <c>send_failed</c>.</summary>
    public static string Name(CoverageState state) => state switch
    {
        CoverageState.Ok => "ok",
        CoverageState.Missing => "missing",
        CoverageState.SendFailed => "send_failed",
        _ => "pending",
    };

    /// <summary>The account's state now.</summary>
    /// <param name="sent">The sender's document, or null when no probe was tried.</param>
    /// <param name="arrival">The newest valid arrival, or null when none.</param>
    /// <param name="now">Now.</param>
    /// <param name="deadline">How long a probe may take (<c>Coverage:Deadline</c>).</param>
    public static CoverageState Evaluate(ProbeSent? sent, ProbeArrival? arrival, DateTimeOffset now, TimeSpan deadline)
    {
        if (sent is { FailedRounds: > 0 })
        {
            return CoverageState.SendFailed;
        }

        if (sent?.ProbeId is not { } probe || sent.SentAt is not { } sentAt)
        {
            return arrival is null ? CoverageState.Pending : CoverageState.Ok;
        }

        if (arrival is not null && (arrival.ProbeId == probe || arrival.SentAt >= sentAt))
        {
            return CoverageState.Ok;
        }

        if (now - sentAt > deadline)
        {
            return CoverageState.Missing;
        }

        return arrival is null ? CoverageState.Pending : CoverageState.Ok;
    }
}
