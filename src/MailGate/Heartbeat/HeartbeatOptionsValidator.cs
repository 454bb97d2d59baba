using Microsoft.Extensions.Options;

namespace MailGate.Heartbeat;

/// <summary>Checks <see cref="HeartbeatOptions"/> at start-up (only when <c>Heartbeat:Url</c> is set); each failure names its key (never the URL's path or query: they are the secret).</summary>
internal sealed class HeartbeatOptionsValidator : IValidateOptions<HeartbeatOptions>
{
    public ValidateOptionsResult Validate(string? name, HeartbeatOptions options)
    {
        if (options.Url is not { } url)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (!url.IsAbsoluteUri)
        {
            failures.Add("Heartbeat:Url must be an absolute URL such as https://hc-ping.com/<uuid>");
        }
        else if (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
        {
            failures.Add($"Heartbeat:Url must be https (http only to a loopback address) (is {url.Scheme}://{url.Authority}/…)");
        }
        else if (url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            failures.Add($"Heartbeat:Url must have no user info or fragment (is {url.Scheme}://{url.Host}/…)");
        }

        if (options.Interval < TimeSpan.FromSeconds(10) || options.Interval > TimeSpan.FromDays(1))
        {
            failures.Add($"Heartbeat:Interval must be between 00:00:10 and 1.00:00:00 (is {options.Interval})");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > options.Interval)
        {
            failures.Add($"Heartbeat:Timeout must be between 00:00:01 and Heartbeat:Interval (is {options.Timeout})");
        }

        if (options.Method is not ("GET" or "POST"))
        {
            failures.Add($"Heartbeat:Method must be GET or POST (is '{options.Method}')");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
