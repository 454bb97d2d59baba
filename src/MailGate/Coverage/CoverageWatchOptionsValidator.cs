using Microsoft.Extensions.Options;

namespace MailGate.Coverage;

/// <summary>Checks <see cref="CoverageWatchOptions"/> at start-up; each failure names its key and its value.</summary>
internal sealed class CoverageWatchOptionsValidator : IValidateOptions<CoverageWatchOptions>
{
    public ValidateOptionsResult Validate(string? name, CoverageWatchOptions options)
    {
        var failures = new List<string>();
        if (options.Deadline < TimeSpan.FromMinutes(1) || options.Deadline > TimeSpan.FromDays(7))
        {
            failures.Add($"Coverage:Deadline must be between 00:01:00 and 7.00:00:00 (is {options.Deadline})");
        }

        if (options.SilenceAlarm is { } alarm && alarm != TimeSpan.Zero && (alarm < TimeSpan.FromMinutes(5) || alarm > TimeSpan.FromDays(90)))
        {
            failures.Add($"Coverage:SilenceAlarm must be 00:00:00 (off) or between 00:05:00 and 90.00:00:00 (is {alarm})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
