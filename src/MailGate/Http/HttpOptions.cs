namespace MailGate.Http;

/// <summary>The HTTP listener for health (configuration section <c>Http</c>).</summary>
public sealed class HttpOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Http";

    /// <summary>The URL Kestrel listens on; port 0 picks a free one.</summary>
    /// <value><c>http://127.0.0.1:8025</c>.</value>
    public string Url { get; set; } = "http://127.0.0.1:8025";
}
