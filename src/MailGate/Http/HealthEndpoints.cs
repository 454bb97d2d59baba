using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MailGate.Http;

/// <summary>The HTTP endpoints for orchestrators.</summary>
internal static class HealthEndpoints
{
    /// <summary><c>GET /healthz</c>: 200 while the process runs.</summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("{\"status\":\"ok\"}", "application/json"));
        return app;
    }
}
