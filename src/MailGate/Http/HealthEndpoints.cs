using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Http;

/// <summary>The HTTP endpoints for orchestrators and monitoring.</summary>
internal static class HealthEndpoints
{
    /// <summary>
    /// Registers <see cref="Readiness"/>, which composes <c>/readyz</c> from the features (the SMTP listener,
    /// the spool, the rules, the support poller) and every <see cref="Observability.IReadinessCheck"/>.
    /// </summary>
    public static IServiceCollection AddHealthEndpoints(this IServiceCollection services)
    {
        services.AddSingleton<Readiness>();
        return services;
    }

    /// <summary>
    /// <c>GET /healthz</c>: 200 while the process runs. <c>GET /readyz</c>: 200 when mail would be
    /// accepted now (see <see cref="Readiness"/>), else 503; a JSON body either way.
    /// <c>GET /metrics</c>: Prometheus text.
    /// </summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("{\"status\":\"ok\"}", "application/json"));
        app.MapGet("/readyz", (Readiness readiness) =>
        {
            var report = readiness.Check();
            return Results.Json(report, HttpJsonContext.Default.ReadinessReport, statusCode: report.IsReady ? 200 : 503);
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
