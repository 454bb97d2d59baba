using MailGate.Core.Deliver;

namespace MailGate.Deliver;

/// <summary>
/// When this process took a message up, on both clocks: the age of its events is the wall-clock age at
/// that moment (never negative) plus the time since on the monotonic clock
/// (<see cref="TimeProvider.GetTimestamp"/>), so a wall-clock step while the gateway runs, in either
/// direction, neither ages an event nor keeps it young.
/// </summary>
/// <param name="TakenUpAtWall">The wall clock (<see cref="TimeProvider.GetUtcNow"/>) at take-up.</param>
/// <param name="TakenUpAt">The monotonic clock at take-up.</param>
internal readonly record struct DeliveryClock(DateTimeOffset TakenUpAtWall, long TakenUpAt)
{
    /// <summary>Now, on <paramref name="time"/>.</summary>
    public static DeliveryClock Now(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new(time.GetUtcNow(), time.GetTimestamp());
    }

    /// <summary>The age of an event whose age counts from <paramref name="origin"/> (receipt or re-queue).</summary>
    public TimeSpan Age(TimeProvider time, DateTimeOffset origin)
    {
        ArgumentNullException.ThrowIfNull(time);
        var before = TakenUpAtWall - origin;
        return (before > TimeSpan.Zero ? before : TimeSpan.Zero) + time.GetElapsedTime(TakenUpAt);
    }

    /// <summary>How long this process has held the message (monotonic).</summary>
    public TimeSpan Held(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return time.GetElapsedTime(TakenUpAt);
    }

    /// <summary>
    /// Whether a failing event may be given up: only after at least one attempt by this process
    /// (<paramref name="attemptsHere"/>), once its age reached <see cref="PagerDutyOptions.MaxAge"/>, and once this
    /// process has held it for <see cref="PagerDutyOptions.MinRetryTime"/> (at most MaxAge).
    /// </summary>
    public bool IsExpired(TimeProvider time, DateTimeOffset origin, PagerDutyOptions settings, int attemptsHere)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var minimum = settings.MinRetryTime < settings.MaxAge ? settings.MinRetryTime : settings.MaxAge;
        return attemptsHere >= 1 && Age(time, origin) >= settings.MaxAge && Held(time) >= minimum;
    }
}
