using System.Net;
using MailGate.Parse.Authentication;
using MailGate.Receive;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailGate.Parse;

/// <summary>Registers parsing and origin verification (DKIM, ARC, keys from DNS).</summary>
internal static class ParseServiceCollectionExtensions
{
    public static IServiceCollection AddParsing(this IServiceCollection services)
    {
        services.AddOptions<TrustOptions>().BindConfiguration(TrustOptions.Section)
            .Validate(o => o.DnsServers.All(s => IPEndPoint.TryParse(s, out _)), "Trust:DnsServers must be IP addresses, optionally with :port (e.g. 10.0.0.2 or 127.0.0.1:5353)")
            .Validate(o => o.TempErrorRetryWindow >= TimeSpan.Zero, "Trust:TempErrorRetryWindow must not be negative")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            // One header-size limit for the whole path: what SMTP accepted, the parser must read.
            var bounds = new MessageParserOptions { MaxHeaderBytes = sp.GetRequiredService<IOptions<SmtpOptions>>().Value.MaxHeaderSize };
            var trust = sp.GetRequiredService<IOptions<TrustOptions>>().Value;
            if (!trust.Verify)
            {
                return new MessageParser(bounds);
            }

            var servers = trust.DnsServers.Select(s => Endpoint(s)).ToArray();
            var locator = new DnsDkimPublicKeyLocator(new DnsDkimPublicKeyLocatorOptions { NameServers = servers }, sp.GetRequiredService<TimeProvider>());
            return new MessageParser(bounds, new MailAuthenticator(locator));
        });
        return services;
    }

    private static IPEndPoint Endpoint(string text)
    {
        var endpoint = IPEndPoint.Parse(text);
        return endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, 53) : endpoint;
    }
}
