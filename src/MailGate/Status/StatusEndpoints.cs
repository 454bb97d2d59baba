using System.Text.Encodings.Web;
using System.Text.Json;
using MailGate.Core.Storage;
using MailGate.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailGate.Status;

/// <summary>
/// The status surface on the HTTP listener: the JSON API under <c>/api/v1</c> (described by
/// <c>/api/v1/openapi.json</c>) and the page under <c>/status</c> (<see cref="StatusPages"/>), both behind
/// <see cref="StatusAccess"/> and with strict security headers.
/// </summary>
internal static class StatusEndpoints
{
    /// <summary>The Content-Security-Policy of every status answer: no script at all, styles from the one stylesheet.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Registers the status services, the Retry form's token (keyed through the storage, so every replica checks it) and the OpenAPI document.</summary>
    public static IServiceCollection AddStatus(this IServiceCollection services, HttpOptions options)
    {
        services.AddSingleton(new StatusAccess(options));
        services.AddSingleton<DecisionRecords>();
        services.AddSingleton<DecisionExplainer>();
        services.AddSingleton<StatusOverviewSource>();
        services.AddSingleton<StatusClock>();
        services.AddSingleton<StatusFormToken>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, StatusJsonContext.Default);

            // ASP.NET Core's default is the relaxed encoder; attacker text (<, >, &, ', bidi controls) is escaped
            // as \uXXXX instead, so no reader that sniffs or embeds the JSON sees markup.
            o.SerializerOptions.Encoder = JavaScriptEncoder.Default;
        });
        services.AddOpenApi("v1", o => o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1", StringComparison.Ordinal) == true);
        return services;
    }

    /// <summary>Maps the API, the page, the access check and the headers.</summary>
    public static WebApplication MapStatus(this WebApplication app)
    {
        app.Services.GetRequiredService<StatusClock>(); // the uptime counts from here
        app.Use(Guard);
        app.MapOpenApi("/api/v1/openapi.json");
        var api = app.MapGroup("/api/v1");
        api.MapGet("/decisions", Decisions).WithName("ListDecisions").WithSummary("Decisions, newest first, paged; filter by text (q) and outcome.");
        api.MapGet("/decisions/{id}", Decision).WithName("GetDecision").WithSummary("One decision: facts, every rule's verdict with its reason, delivery attempts.");
        api.MapGet("/dead", Dead).WithName("ListDeadLetters").WithSummary("Dead letters, newest first, with why each died.");
        api.MapGet("/pollers", (StatusOverviewSource overview) => TypedResults.Ok(overview.Pollers())).WithName("GetPollers").WithSummary("The AWS Support poller per account and the AWS Health poller (each null when off).");
        api.MapPost("/dead/{id}/retry", Retry).WithName("RetryDeadLetter").WithSummary("Re-queues a dead letter, as `mailgate spool retry` does.");
        app.MapGet("/coverage", (StatusOverviewSource overview) => overview.Coverage() is { } coverage ? Results.Json(coverage, StatusJsonContext.Default.CoverageOverview) : Results.Problem("coverage: the storage cannot be read", statusCode: StatusCodes.Status503ServiceUnavailable))
            .ExcludeFromDescription();
        StatusPages.Map(app);
        return app;
    }

    private static async Task Guard(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        var api = path.StartsWithSegments("/api/v1") || path.StartsWithSegments("/coverage"); // GET /coverage: the API's access rules
        if (!path.StartsWithSegments("/status") && !api)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        var access = context.RequestServices.GetRequiredService<StatusAccess>();
        if (!access.Served || !access.HostAllowed(context.Request.Host))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var offersToken = !access.LoopbackOnly && (StatusAccess.OffersCredential(context.Request)
            || (HttpMethods.IsPost(context.Request.Method) && path.StartsWithSegments("/status/login")));
        if (offersToken && access.Throttled(context))
        {
            // Too many wrong tokens from this address this minute: not even checked (guessing stays 10 tries a minute).
            headers.RetryAfter = "60";
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return;
        }

        if (access.Allows(context) || path.StartsWithSegments("/status/login") || path.StartsWithSegments("/status/style.css"))
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (StorageUnavailableException e) when (!context.Response.HasStarted)
            {
                // The database is away: what every replica's status shows then, not a server fault with a stack trace.
                headers.RetryAfter = "30";
                await Results.Problem($"the storage cannot be read: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable)
                    .ExecuteAsync(context).ConfigureAwait(false);
            }

            return;
        }

        if (api)
        {
            headers.WWWAuthenticate = "Bearer";
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        await StatusPages.Login(context, StatusCodes.Status401Unauthorized, problem: null).ConfigureAwait(false);
    }

    private static Ok<DecisionPage> Decisions(DecisionRecords records, string? q, string? outcome, int? page, int? size)
    {
        var found = Paging.Of(records.List(new DecisionFilter(q, outcome)), page, size);
        return TypedResults.Ok(new DecisionPage(found.Items, found.Number, found.Size, found.Total, found.Pages));
    }

    private static async Task<Results<Ok<DecisionDetail>, NotFound>> Decision(DecisionExplainer explainer, string id, CancellationToken cancellationToken) =>
        await explainer.ExplainAsync(id, cancellationToken).ConfigureAwait(false) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound();

    private static Ok<DeadLetter[]> Dead(DecisionRecords records) => TypedResults.Ok(records.Dead().ToArray());

    private static Results<Ok<RetryAnswer>, NotFound<RetryAnswer>, StatusCodeHttpResult, UnprocessableEntity<RetryAnswer>> Retry(HttpContext context, IMessageStorage storage, TimeProvider time, ILogger<DecisionRecords> logger, string id)
    {
        if (!SameOriginOrNone(context.Request))
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        var outcome = Requeue(context, storage, time, logger, id, "api");
        return outcome.Result switch
        {
            RequeueResult.Requeued => TypedResults.Ok(Answer(outcome)),
            RequeueResult.NotDead => TypedResults.NotFound(Answer(outcome)),
            _ => TypedResults.UnprocessableEntity(Answer(outcome)),
        };
    }

    /// <summary>Re-queues <paramref name="id"/> and logs it with where the request came from (an id that is not a spool id is not written to the log: it could forge a line).</summary>
    internal static RequeueOutcome Requeue(HttpContext context, ISpoolAdministration storage, TimeProvider time, ILogger logger, string id, string via)
    {
        var outcome = storage.Requeue(id, time.GetUtcNow());
        Log.StatusRetry(logger, SpoolIds.IsValid(id) ? id : "(not a spool id)", via, context.Connection.RemoteIpAddress?.ToString() ?? "unknown", context.Connection.RemotePort, outcome.Result.ToString(), outcome.Error ?? "");
        return outcome;
    }

    private static RetryAnswer Answer(RequeueOutcome outcome) => new(outcome.Id, outcome.Result switch
    {
        RequeueResult.Requeued => "requeued",
        RequeueResult.NotDead => "not_dead",
        _ => "failed",
    }, outcome.Error);

    /// <summary>
    /// Whether a POST may act: no browser marks it cross-site. A current browser says where a request comes from in
    /// <c>Sec-Fetch-Site</c>: only <c>same-origin</c> (or <c>none</c>, typed by the user) passes. Without it, an
    /// <c>Origin</c> must name this host (<c>null</c>, from a sandboxed frame or an old browser under this page's
    /// <c>Referrer-Policy: no-referrer</c>, is refused). A client with neither header (curl, scripts) passes.
    /// </summary>
    internal static bool SameOriginOrNone(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is "same-origin" or "none";
        }

        var origins = request.Headers.Origin;
        return origins.Count == 0 || (origins is [{ } origin] && Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https" && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}
