using MailGate.Core.Deliver;
using Microsoft.Extensions.Options;

namespace MailGate.Deliver;

/// <summary>Checks <see cref="PagerDutyOptions"/> at start-up; each failure names its configuration key.</summary>
internal sealed class PagerDutyOptionsValidator : IValidateOptions<PagerDutyOptions>
{
    public ValidateOptionsResult Validate(string? name, PagerDutyOptions options)
    {
        var failures = new List<string>();
        if (options.EventsUrl is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
        {
            failures.Add($"PagerDuty:EventsUrl must be an absolute http(s) URL (is '{options.EventsUrl}')");
        }

        Positive(failures, "PagerDuty:RequestTimeout", options.RequestTimeout);
        Positive(failures, "PagerDuty:RetryBaseDelay", options.RetryBaseDelay);
        Positive(failures, "PagerDuty:MaxAge", options.MaxAge);
        if (options.MinRetryTime < TimeSpan.Zero)
        {
            failures.Add($"PagerDuty:MinRetryTime must not be negative (is {options.MinRetryTime})");
        }
        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add($"PagerDuty:RetryMaxDelay must not be less than PagerDuty:RetryBaseDelay (is {options.RetryMaxDelay})");
        }

        if (options.BreakerFailures is < 2 or > 1000)
        {
            failures.Add($"PagerDuty:BreakerFailures must be between 2 and 1000 (is {options.BreakerFailures})");
        }

        if (options.BreakDuration < TimeSpan.FromMilliseconds(500) || options.BreakDuration > TimeSpan.FromDays(1))
        {
            // A day is also the most Polly's circuit breaker takes.
            failures.Add($"PagerDuty:BreakDuration must be between 00:00:00.5 and 1.00:00:00 (is {options.BreakDuration})");
        }

        if (options.MaxConcurrentRequests is < 1 or > 64)
        {
            failures.Add($"PagerDuty:MaxConcurrentRequests must be between 1 and 64 (is {options.MaxConcurrentRequests})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{key} must be a positive duration such as 00:00:10 (is {value})");
        }
    }
}
