using MailGate.Core.Deliver;

namespace MailGate.Deliver;

/// <summary>Delivery to the PagerDuty Events API v2 (configuration section <c>PagerDuty</c>).</summary>
public sealed class PagerDutyOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "PagerDuty";

    /// <summary>Where events are POSTed.</summary>
    /// <value><c>https://events.pagerduty.com/v2/enqueue</c>.</value>
    public Uri EventsUrl { get; set; } = new("https://events.pagerduty.com/v2/enqueue");

    /// <summary>How long one POST may take before it counts as failed and is retried.</summary>
    /// <value>10 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter.</summary>
    /// <value>2 seconds.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between two attempts (a <c>Retry-After</c> may ask for more).</summary>
    /// <value>5 minutes.</value>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long after receipt (or a re-queue) a message may still be delivered. Past it, an undelivered
    /// event is dead-lettered with an Error log line. There is no other limit on retrying.
    /// </summary>
    /// <remarks>
    /// Age is the wall-clock age when this process took the message up, plus the time since on the
    /// monotonic clock: a clock step while the gateway runs changes nothing. An event expires only after
    /// a failed attempt made by this process, and only once this process has held it for at least
    /// <see cref="MinRetryTime"/>.
    /// </remarks>
    /// <value>24 hours.</value>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The least time (monotonic clock) this process keeps trying an event before it may expire, however
    /// old the wall clock says the message is (a clock that was wrong when the message arrived, then
    /// corrected, and a restart). Capped at <see cref="MaxAge"/>.
    /// </summary>
    /// <value>15 minutes.</value>
    public TimeSpan MinRetryTime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How many failed POSTs in a row (no answer, 429, 5xx) open the circuit breaker.</summary>
    /// <value>5.</value>
    public int BreakerFailures { get; set; } = 5;

    /// <summary>How long the open breaker refuses to send before one request probes PagerDuty.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many POSTs may be in flight at once (each route sends one at a time, in arrival order).</summary>
    /// <value>4.</value>
    public int MaxConcurrentRequests { get; set; } = 4;
}
