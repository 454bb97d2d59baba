using System.Text.RegularExpressions;

namespace MailGate.Push;

/// <summary>Where an SNS <c>SubscribeURL</c> may point: only SNS itself, in the topic's own region (no request forgery).</summary>
internal static partial class SnsEndpoints
{
    /// <summary>
    /// Null when <paramref name="message"/>'s <c>SubscribeURL</c> may be fetched: an absolute URL without user info,
    /// of the same scheme, host and port as its (already verified) <c>SigningCertURL</c>, and, when that host is an
    /// SNS endpoint <c>sns.&lt;region&gt;.amazonaws.com</c>, https and the region of the <c>TopicArn</c>; else why not.
    /// </summary>
    public static string? SubscribeProblem(SnsMessage message)
    {
        if (!Uri.TryCreate(message.SubscribeUrl, UriKind.Absolute, out var subscribe) || subscribe.UserInfo.Length > 0
            || !Uri.TryCreate(message.SigningCertUrl, UriKind.Absolute, out var certificate))
        {
            return $"SubscribeURL '{message.SubscribeUrl}' is not an absolute URL without user info";
        }

        if (!string.Equals(subscribe.Scheme, certificate.Scheme, StringComparison.Ordinal)
            || !string.Equals(subscribe.Authority, certificate.Authority, StringComparison.OrdinalIgnoreCase))
        {
            return $"SubscribeURL '{message.SubscribeUrl}' is not on the host that signed the message ({certificate.Authority})";
        }

        var region = message.TopicArn?.Split(':') is { Length: 6 } arn ? arn[3] : "";
        return SnsHost().Match(subscribe.Host) is { Success: true } sns
            && (subscribe.Scheme != Uri.UriSchemeHttps || !string.Equals(sns.Groups[1].Value, region, StringComparison.Ordinal))
            ? $"SubscribeURL '{message.SubscribeUrl}' is not https://sns.{region}.amazonaws.com, the topic's region"
            : null;
    }

    [GeneratedRegex(@"^sns\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SnsHost();
}
