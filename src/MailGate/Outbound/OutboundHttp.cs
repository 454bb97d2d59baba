namespace MailGate.Outbound;

/// <summary>
/// The HTTP handler every secret-bearing outbound call uses (PagerDuty events carry the routing key in
/// their body; AWS calls carry a signature and a session token in their headers).
/// </summary>
internal static class OutboundHttp
{
    /// <summary>
    /// A handler that never follows redirects: a <c>3xx</c> comes back to the caller as it is, so the
    /// request is only ever sent to the configured endpoint, and only that endpoint's answer can count
    /// as success. (.NET's default follows 301/302/303 as GETs and 307/308 with the whole body, to any
    /// host the <c>Location</c> names.)
    /// </summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5), // DNS changes of the endpoint are picked up
    };

    /// <summary>Whether <paramref name="status"/> is a redirect, which MailGate treats as a failure.</summary>
    public static bool IsRedirect(int status) => status is >= 300 and <= 399;

    /// <summary>Where a redirect pointed, for operators: scheme, host and port only (never a path or query that could carry data).</summary>
    public static string RedirectTarget(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.Location is { IsAbsoluteUri: true } location
            ? location.GetLeftPart(UriPartial.Authority)
            : response.Headers.Location is null ? "(no Location)" : "(a relative Location)";
    }
}
