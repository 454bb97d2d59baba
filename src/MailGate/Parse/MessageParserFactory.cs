using MailGate.Core.Parse;
using MailGate.Core.Parse.Authentication;
using System.Net;
using MimeKit.Cryptography;

namespace MailGate.Parse;

/// <summary>
/// Builds the parser and the DKIM/ARC verifier from the settings, for the gateway
/// (<see cref="ParseServiceCollectionExtensions.AddParsing"/>) and for <c>mailgate rules test</c> alike, so
/// that both read and verify a message the same way.
/// </summary>
internal static class MessageParserFactory
{
    /// <summary>
    /// The parser's options: <c>Parse:FallbackCharsets</c>, and <paramref name="maxHeaderBytes"/> as the header
    /// limit; callers pass <c>Smtp:MaxHeaderSize</c> (one limit for the whole path: what SMTP accepted, the parser must read).
    /// </summary>
    /// <param name="parse">The <c>Parse</c> section.</param>
    /// <param name="maxHeaderBytes">The largest header section read, in bytes: <c>Smtp:MaxHeaderSize</c>.</param>
    public static MessageParserOptions ParserOptions(ParseOptions parse, int maxHeaderBytes) =>
        parse.ToParserOptions() with { MaxHeaderBytes = maxHeaderBytes };

    /// <summary>
    /// The DKIM/ARC key locator: DNS queries to <c>Trust:DnsServers</c> (port 53 unless given; the system's
    /// resolvers when none), failures cached for <c>Trust:DnsFailureCacheDuration</c>, TTLs measured on <paramref name="time"/>.
    /// </summary>
    /// <exception cref="FormatException">A server is not an IP address (the gateway's options validation refuses it first).</exception>
    public static DnsDkimPublicKeyLocator KeyLocator(TrustOptions trust, TimeProvider time) =>
        new(
            new DnsDkimPublicKeyLocatorOptions
            {
                NameServers = [.. trust.DnsServers.Select(Endpoint)],
                TemporaryFailureCacheDuration = trust.DnsFailureCacheDuration,
            },
            time);

    /// <summary>A parser that verifies DKIM and ARC with keys from <paramref name="keys"/>, or does not verify when it is null.</summary>
    /// <param name="options">From <see cref="ParserOptions"/>.</param>
    /// <param name="keys">
    /// The gateway passes <see cref="DnsDkimPublicKeyLocator.Offline"/> (never waits for DNS; keys are looked up
    /// off the decision path), <c>rules test --verify</c> the locator itself (waits for DNS).
    /// </param>
    public static MessageParser Parser(MessageParserOptions options, IDkimPublicKeyLocator? keys) =>
        keys is null ? new MessageParser(options) : new MessageParser(options, new MailAuthenticator(keys));

    private static IPEndPoint Endpoint(string text)
    {
        var endpoint = IPEndPoint.Parse(text);
        return endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, 53) : endpoint;
    }
}
