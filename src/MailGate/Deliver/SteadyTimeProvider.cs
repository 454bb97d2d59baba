using MailGate.Core.Deliver;

namespace MailGate.Deliver;

/// <summary>
/// A <see cref="TimeProvider"/> whose wall clock cannot step: <see cref="GetUtcNow"/> is the wall time
/// when it was created plus the monotonic time since (<see cref="TimeProvider.GetTimestamp"/>).
/// Timers and timestamps are the inner provider's. For libraries that measure durations with
/// <see cref="GetUtcNow"/> — Polly's circuit breaker keeps "blocked until" as a wall time, so a clock
/// stepped back by 30 hours while it is open would pause sending for 30 hours.
/// </summary>
internal sealed class SteadyTimeProvider : TimeProvider
{
    private readonly TimeProvider _inner;
    private readonly DateTimeOffset _anchor;
    private readonly long _start;

    /// <summary>Starts at <paramref name="inner"/>'s wall time now.</summary>
    public SteadyTimeProvider(TimeProvider inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _anchor = inner.GetUtcNow();
        _start = inner.GetTimestamp();
    }

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override DateTimeOffset GetUtcNow() => _anchor + _inner.GetElapsedTime(_start);

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _inner.CreateTimer(callback, state, dueTime, period);
}
