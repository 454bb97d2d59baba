using MailGate.Poll.Aws;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Poll.Aws;

/// <summary>The AWS clients as <see cref="AwsServiceCollectionExtensions.AddAwsClients"/> registers them, pointed at a <see cref="FakeAws"/>.</summary>
internal static class AwsServices
{
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 14, 0, 0, TimeSpan.Zero);

    /// <summary>A container with the fake's endpoints and base credentials, small retry delays and <paramref name="settings"/> on top.</summary>
    public static ServiceProvider Create(
        FakeAws aws, TimeProvider time, IReadOnlyDictionary<string, string?>? settings = null, FakeAwsCredentialSource? credentials = null)
    {
        var values = new Dictionary<string, string?>(aws.Settings)
        {
            ["Aws:RetryBaseDelay"] = "00:00:00.5",
            ["Aws:RetryMaxDelay"] = "00:00:30",
            ["Aws:RequestTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(time)
            .AddLogging();
        services.AddAwsClients();
        FakeAwsCredentialSource.Register(services, credentials);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
