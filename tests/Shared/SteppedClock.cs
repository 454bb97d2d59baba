using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Shared;

/// <summary>
/// A <see cref="FakeTimeProvider"/> whose wall clock can be stepped (forward or back, as NTP or an
/// operator does) while its monotonic clock, timers and delays go on undisturbed — which a
/// <see cref="FakeTimeProvider"/> alone cannot show: it moves both together and never back.
/// </summary>
public sealed class SteppedClock(FakeTimeProvider inner) : TimeProvider
{
    private TimeSpan _offset;

    public FakeTimeProvider Inner { get; } = inner;

    public override long TimestampFrequency => Inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Inner.LocalTimeZone;

    /// <summary>Steps the wall clock by <paramref name="step"/>; the monotonic clock does not move.</summary>
    public void Step(TimeSpan step) => _offset += step;

    public override DateTimeOffset GetUtcNow() => Inner.GetUtcNow() + _offset;

    public override long GetTimestamp() => Inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Inner.CreateTimer(callback, state, dueTime, period);
}
