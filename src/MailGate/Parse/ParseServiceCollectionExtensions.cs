using MailGate.Core.Parse;
using MailGate.Core.Parse.Authentication;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailGate.Parse;

/// <summary>Registers parsing and origin verification (DKIM, ARC, keys from DNS).</summary>
internal static class ParseServiceCollectionExtensions
{
    /// <summary>Registers the options, the key locator and the processor's parser.</summary>
    /// <param name="services">The gateway's services.</param>
    /// <param name="maxHeaderBytes">The parser's header limit in bytes, from the services (the gateway passes <c>Smtp:MaxHeaderSize</c>).</param>
    public static IServiceCollection AddParsing(this IServiceCollection services, Func<IServiceProvider, int> maxHeaderBytes)
    {
        services.AddOptions<TrustOptions>().BindConfiguration(TrustOptions.Section)
            .Validate(o => o.DnsServers.All(s => IPEndPoint.TryParse(s, out _)), "Trust:DnsServers must be IP addresses, optionally with :port (e.g. 10.0.0.2 or 127.0.0.1:5353)")
            .Validate(o => o.TempErrorRetryWindow >= TimeSpan.Zero, "Trust:TempErrorRetryWindow must not be negative")
            .Validate(o => o.VerificationTimeout > TimeSpan.Zero, "Trust:VerificationTimeout must be positive")
            .Validate(o => o.MaxConcurrentVerifications is >= 1 and <= 256, "Trust:MaxConcurrentVerifications must be between 1 and 256")
            .Validate(o => o.DnsFailureCacheDuration >= TimeSpan.Zero, "Trust:DnsFailureCacheDuration must not be negative")
            .ValidateOnStart();
        services.AddOptions<ParseOptions>().BindConfiguration(ParseOptions.Section)
            .Validate(o => o.FallbackCharsets is null || o.FallbackCharsets.All(Charsets.IsKnown), "Parse:FallbackCharsets must name charsets .NET knows (e.g. shift_jis, euc-jp, windows-1252)")
            .ValidateOnStart();
        services.AddSingleton(sp => MessageParserFactory.KeyLocator(
            sp.GetRequiredService<IOptions<TrustOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));

        // The processor's parser never waits for DNS: it verifies with the keys already looked up, and the
        // processor has the missing ones fetched off its path (Process/KeyFetcher) before verifying again.
        services.AddSingleton(sp => MessageParserFactory.Parser(
            MessageParserFactory.ParserOptions(
                sp.GetRequiredService<IOptions<ParseOptions>>().Value,
                maxHeaderBytes(sp)),
            sp.GetRequiredService<IOptions<TrustOptions>>().Value.Verify ? sp.GetRequiredService<DnsDkimPublicKeyLocator>().Offline : null));
        return services;
    }
}
