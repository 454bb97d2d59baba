using MailGate.Core.Deliver;

namespace MailGate.Deliver;

/// <summary>What PagerDuty answered to one POST.</summary>
/// <param name="StatusCode">The HTTP status, or 0 when no answer came (network error, timeout).</param>
/// <param name="Detail">PagerDuty's message or errors, or the failure, for operators (bounded, routing key redacted).</param>
/// <param name="RetryAfter">The delay the answer asked for with <c>Retry-After</c>, already bounded by <see cref="PagerDutyOptions.RetryMaxDelay"/>.</param>
public sealed record SendResult(int StatusCode, string Detail, TimeSpan? RetryAfter = null)
{
    /// <summary>202: PagerDuty has the event. Nothing else counts as delivered.</summary>
    public bool IsAccepted => StatusCode == 202;

    /// <summary>
    /// Worth another try: no answer, a redirect (never followed: something between MailGate and PagerDuty
    /// is answering), 429, or any 5xx. 400 and the other 4xx never are.
    /// </summary>
    public bool IsTransient => StatusCode is 0 or 429 or >= 500 or (>= 300 and <= 399);
}
