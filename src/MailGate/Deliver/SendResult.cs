namespace MailGate.Deliver;

/// <summary>What PagerDuty answered to one POST.</summary>
/// <param name="StatusCode">The HTTP status, or 0 when no answer came (network error, timeout).</param>
/// <param name="Detail">PagerDuty's message or errors, or the failure, for operators (bounded).</param>
/// <param name="RetryAfter">The delay a 429 or 503 asked for, if any.</param>
public sealed record SendResult(int StatusCode, string Detail, TimeSpan? RetryAfter = null)
{
    /// <summary>202: PagerDuty has the event.</summary>
    public bool IsAccepted => StatusCode == 202;

    /// <summary>Worth another try: no answer, 429, or any 5xx. (400 and other 4xx never are.)</summary>
    public bool IsTransient => StatusCode is 0 or 429 or >= 500;
}
