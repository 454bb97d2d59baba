namespace MailGate.Push;

/// <summary>
/// The push intake for AWS Health events, <c>POST /aws/events</c> on the HTTP listener (configuration section
/// <c>AwsEvents</c>): EventBridge API destinations (authenticated by an API key header) and Amazon SNS HTTPS
/// subscriptions (authenticated by the SNS signature and the topic list).
/// </summary>
public sealed class AwsEventsOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "AwsEvents";

    /// <summary>The largest request body taken: 256 KiB, EventBridge's own event size limit; larger bodies get 413.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>Whether <c>POST /aws/events</c> is served; off by default (the path answers 404 then).</summary>
    public bool Enabled { get; set; }

    /// <summary>The header an EventBridge API destination's connection sends the key in (an API-key authorization).</summary>
    /// <value><c>X-MailGate-Key</c>.</value>
    public string ApiKeyHeader { get; set; } = "X-MailGate-Key";

    /// <summary>The key itself; set it from the environment (<c>MAILGATE_AwsEvents__ApiKey</c>), never in a shared file. Required when enabled (or <see cref="ApiKeyFile"/>).</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>A file holding the key (surrounding white space ignored), e.g. a mounted secret; read once at start-up. Used when <see cref="ApiKey"/> is empty.</summary>
    public string ApiKeyFile { get; set; } = "";

    /// <summary>The SNS topic ARNs whose subscription is confirmed and whose notifications are taken; empty: SNS is refused (403).</summary>
    public IList<string> SnsTopicArns { get; } = [];

    /// <summary>The regular expression an SNS <c>SigningCertURL</c> must match before it is fetched (anchor it).</summary>
    /// <value><c>^https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/.*\.pem$</c>.</value>
    public string SnsCertificateUrlPattern { get; set; } = DefaultSnsCertificateUrlPattern;

    /// <summary>The default of <see cref="SnsCertificateUrlPattern"/>.</summary>
    public const string DefaultSnsCertificateUrlPattern = @"^https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/.*\.pem$";
}
