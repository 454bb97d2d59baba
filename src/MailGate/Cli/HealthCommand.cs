using System.CommandLine;
using MailGate.Hosting;
using MailGate.Http;
using MailGate.Startup;
using Microsoft.Extensions.Configuration;

namespace MailGate.Cli;

/// <summary>
/// <c>mailgate health [--url URL]</c>: asks a running gateway's <c>/healthz</c>; exit 0 when healthy.
/// For container HEALTHCHECKs (the runtime image has no curl). The default URL is <c>Http:Url</c> with
/// a wildcard host (<c>0.0.0.0</c>, <c>[::]</c>, <c>*</c>, <c>+</c>) replaced by 127.0.0.1.
/// </summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        var url = new Option<string?>("--url") { Description = "The gateway's HTTP base URL (default: from Http:Url)." };
        var health = new Command("health", "Check a running gateway's /healthz endpoint; exit 0 when healthy.") { url };
        health.TreatUnmatchedTokensAsErrors = false;
        health.SetAction(async (result, cancellationToken) =>
        {
            var given = result.GetValue(url);
            if (given is not null && !Uri.TryCreate(given, UriKind.Absolute, out _))
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"--url: '{given}' is not an absolute URL").ConfigureAwait(false);
                return ExitCodes.BadConfiguration;
            }

            var target = given is null ? LocalUrl(MailGateConfiguration.Build([.. result.UnmatchedTokens])) : new Uri(given);
            return await RunAsync(target, result.InvocationConfiguration.Output, cancellationToken).ConfigureAwait(false);
        });
        return health;
    }

    /// <summary>
    /// The gateway's own URL from <c>Http:Url</c>, checked as the gateway checks it (<see cref="StartupException"/>
    /// when it would not start with it); of several (<c>a;b</c>) the first, with a wildcard host made 127.0.0.1.
    /// </summary>
    private static Uri LocalUrl(IConfiguration configuration)
    {
        var configured = MailGateHost.CheckedUrl(configuration.GetSection(HttpOptions.Section).Get<HttpOptions>()?.Url ?? new HttpOptions().Url)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        var local = configured.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal);
        return new Uri(local);
    }

    private static async Task<int> RunAsync(Uri baseUrl, TextWriter output, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var url = new Uri(baseUrl, "/healthz");
        try
        {
            using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"{url}: {(int)response.StatusCode}").ConfigureAwait(false);
            return response.IsSuccessStatusCode ? ExitCodes.Ok : ExitCodes.Failure;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"{url}: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
