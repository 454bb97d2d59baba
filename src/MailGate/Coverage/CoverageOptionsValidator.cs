using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace MailGate.Coverage;

/// <summary>Checks <see cref="CoverageOptions"/> at start-up; each failure names its key and its value (never a secret's).</summary>
internal sealed class CoverageOptionsValidator : IValidateOptions<CoverageOptions>
{
    /// <summary>The values <see cref="CoverageRelayOptions.StartTls"/> takes.</summary>
    public static readonly IReadOnlyList<string> StartTlsModes = ["auto", "always", "never"];

    /// <summary>The longest duration a timer takes (<see cref="int.MaxValue"/> milliseconds), as for every setting.</summary>
    private static readonly TimeSpan MaxDuration = TimeSpan.FromMilliseconds(int.MaxValue);

    public ValidateOptionsResult Validate(string? name, CoverageOptions options)
    {
        var failures = new List<string>();
        if (options.SilenceAlarm is { } alarm && alarm != TimeSpan.Zero && (alarm < TimeSpan.FromMinutes(5) || alarm > TimeSpan.FromDays(90)))
        {
            failures.Add($"Coverage:SilenceAlarm must be 00:00:00 (off) or between 00:05:00 and 90.00:00:00 (is {alarm})");
        }

        if (!options.Enabled)
        {
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        Between(failures, "Coverage:Interval", options.Interval, TimeSpan.FromMinutes(1), MaxDuration);
        Between(failures, "Coverage:Deadline", options.Deadline, TimeSpan.FromSeconds(1), MaxDuration);
        Between(failures, "Coverage:CheckInterval", options.CheckInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Between(failures, "Coverage:SendRetryInterval", options.SendRetryInterval, TimeSpan.FromSeconds(1), MaxDuration);
        if (options.Deadline >= options.Interval)
        {
            failures.Add($"Coverage:Deadline must be shorter than Coverage:Interval (is {options.Deadline}, interval {options.Interval})");
        }

        if (!IsAddress(options.From))
        {
            failures.Add($"Coverage:From must be an email address such as mailgate-probe@example.com (is '{options.From}')");
        }

        if (CoverageSecrets.ProbeKey(options) is { Problem: { } keyProblem })
        {
            failures.Add(options.ProbeKey.Length == 0 && options.ProbeKeyFile.Length > 0
                ? $"Coverage:ProbeKeyFile: {keyProblem}"
                : $"Coverage:ProbeKey {keyProblem} (set it from the environment: MAILGATE_Coverage__ProbeKey, or Coverage:ProbeKeyFile) when Coverage:Enabled is true");
        }

        if (options.SendFailuresBeforePage is < 1 or > 100)
        {
            failures.Add($"Coverage:SendFailuresBeforePage must be between 1 and 100 (is {options.SendFailuresBeforePage})");
        }

        var relay = options.Relay;
        if (relay.Host.Length == 0 || Uri.CheckHostName(relay.Host) == UriHostNameType.Unknown)
        {
            failures.Add($"Coverage:Relay:Host must be a host name or address when Coverage:Enabled is true (is '{relay.Host}')");
        }

        if (relay.Port is < 1 or > 65535)
        {
            failures.Add($"Coverage:Relay:Port must be between 1 and 65535 (is {relay.Port})");
        }

        if (!StartTlsModes.Contains(relay.StartTls, StringComparer.OrdinalIgnoreCase))
        {
            failures.Add($"Coverage:Relay:StartTls must be auto, always or never (is '{relay.StartTls}')");
        }

        if (relay.Username.Length > 0 && CoverageSecrets.Read(relay.Password, relay.PasswordFile) is { Problem: { } passwordProblem })
        {
            failures.Add(relay.Password.Length == 0 && relay.PasswordFile.Length > 0
                ? $"Coverage:Relay:PasswordFile: {passwordProblem}"
                : $"Coverage:Relay:Password {passwordProblem} (set it from the environment: MAILGATE_Coverage__Relay__Password, or Coverage:Relay:PasswordFile) when Coverage:Relay:Username is set");
        }

        Between(failures, "Coverage:Relay:Timeout", relay.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Between(failures, "Coverage:Relay:RetryDelay", relay.RetryDelay, TimeSpan.Zero, TimeSpan.FromHours(1));
        if (relay.Attempts is < 1 or > 10)
        {
            failures.Add($"Coverage:Relay:Attempts must be between 1 and 10 (is {relay.Attempts})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Whether <paramref name="text"/> is one bare address (<c>local@domain</c>, no display name).</summary>
    public static bool IsAddress(string text) =>
        text.Length is > 2 and <= 254 && !text.Any(char.IsWhiteSpace) && MailAddress.TryCreate(text, out var address) && address.Address == text && address.DisplayName.Length == 0;

    private static void Between(List<string> failures, string key, TimeSpan value, TimeSpan minimum, TimeSpan maximum)
    {
        if (value < minimum || value > maximum)
        {
            failures.Add($"{key} must be between {minimum} and {maximum} (is {value})");
        }
    }
}
