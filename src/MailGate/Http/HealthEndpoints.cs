using MailGate.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MailGate.Http;

/// <summary>The HTTP endpoints for orchestrators and monitoring.</summary>
internal static class HealthEndpoints
{
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
            return Results.Json(report, ObservabilityJsonContext.Default.ReadinessReport, statusCode: report.IsReady ? 200 : 503);
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
