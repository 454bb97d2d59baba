using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailGate.Spool;

/// <summary>Registers the durable spool.</summary>
internal static class SpoolServiceCollectionExtensions
{
    public static IServiceCollection AddSpool(this IServiceCollection services)
    {
        services.AddOptions<SpoolOptions>().BindConfiguration(SpoolOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path), "Spool:Path must name a folder")
            .Validate(o => o.ScanInterval >= TimeSpan.FromMilliseconds(100), "Spool:ScanInterval must be at least 00:00:00.1")
            .Validate(o => o.MinFreeBytes >= 0, "Spool:MinFreeBytes must not be negative")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SpoolOptions>>().Value;
            return new SpoolStore(options.Path, options.GroupCommit);
        });
        services.AddSingleton<SpoolSpace>();
        return services;
    }
}
