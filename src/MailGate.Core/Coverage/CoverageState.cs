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

    /// <summary>The <see cref="ProbeSent.OpenAlert"/> (and <see cref="CoverageAlert.Kind"/>) of a probe that did not come back.</summary>
    public const string MissingAlert = "missing";

    /// <summary>The <see cref="ProbeSent.OpenAlert"/> (and <see cref="CoverageAlert.Kind"/>) of probes the relay did not take.</summary>
    public const string SendFailedAlert = "send_failed";

    /// <summary>The <see cref="CoverageAlert.Kind"/> of the overall silence alarm.</summary>
    public const string SilenceAlert = "silence";

    /// <summary>Whether <paramref name="arrival"/> is the newest probe's (or a later one's) arrival: the path worked since that send.</summary>
    public static bool Arrived(ProbeSent? sent, ProbeArrival? arrival) =>
        arrival is not null && (sent?.SentAt is not { } sentAt || arrival.ProbeId == sent.ProbeId || arrival.SentAt >= sentAt);

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

        if (sent?.ProbeId is null || sent.SentAt is not { } sentAt)
        {
            return arrival is null ? CoverageState.Pending : CoverageState.Ok;
        }

        if (Arrived(sent, arrival))
        {
            return CoverageState.Ok;
        }

        // Missing until a probe comes back: a new probe sent while the account's missing alert is open does not
        // make it look ok for another deadline (the alert stays open, and the state says so).
        if (now - sentAt > deadline || sent.OpenAlert == MissingAlert)
        {
            return CoverageState.Missing;
        }

        return arrival is null ? CoverageState.Pending : CoverageState.Ok;
    }
}
