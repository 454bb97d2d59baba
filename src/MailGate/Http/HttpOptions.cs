namespace MailGate.Http;

/// <summary>The HTTP listener for health, metrics and the status page (configuration section <c>Http</c>).</summary>
public sealed class HttpOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Http";

    /// <summary>The URL Kestrel listens on; port 0 picks a free one.</summary>
    /// <value><c>http://127.0.0.1:8025</c>.</value>
    public string Url { get; set; } = "http://127.0.0.1:8025";

    /// <summary>
    /// The token that opens <c>/status</c> and <c>/api/v1</c> when <see cref="Url"/> is not loopback only (as
    /// <c>Authorization: Bearer …</c>, or typed into the status page's login form); without one they answer 404 there.
    /// Usually set from the environment (<c>MAILGATE_Http__StatusToken</c>) or <see cref="StatusTokenFile"/>. Never logged or shown.
    /// </summary>
    public string? StatusToken { get; set; }

    /// <summary>A file whose content (trimmed) is <see cref="StatusToken"/>, e.g. a mounted secret; read at start.</summary>
    public string? StatusTokenFile { get; set; }
}
