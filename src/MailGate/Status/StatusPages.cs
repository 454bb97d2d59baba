using MailGate.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailGate.Status;

/// <summary>
/// The server-rendered page (<c>/status</c>, <c>/status/decisions/{id}</c>), the Retry form's POST (with an
/// anti-forgery token), the stylesheet and the login form. No script: reading and retrying work without JavaScript.
/// </summary>
internal static class StatusPages
{
    /// <summary>Maps the page's routes, left out of the OpenAPI document.</summary>
    public static void Map(WebApplication app)
    {
        var page = app.MapGroup("/status").ExcludeFromDescription();
        page.MapGet("", Overview);
        page.MapGet("/decisions/{id}", Decision);
        page.MapPost("/dead/{id}/retry", Retry);
        page.MapGet("/style.css", () => Results.Text(StatusStyle.Css, "text/css; charset=utf-8"));
        page.MapGet("/login", (HttpContext context, StatusAccess access) =>
            access.LoopbackOnly || access.Allows(context) ? Task.FromResult(Results.Redirect("/status")) : Task.FromResult<IResult>(new LoginResult(null)));
        page.MapPost("/login", LogIn);
    }

    /// <summary>Writes the login form with <paramref name="status"/> (401 when refused, 200 when asked for).</summary>
    public static Task Login(HttpContext context, int status, string? problem)
    {
        context.Response.StatusCode = status;
        return Write(context, StatusHtml.Login(problem));
    }

    private static Task Overview(HttpContext context, DecisionRecords records, StatusOverviewSource overview, StatusFormToken forms, string? q, string? outcome, int? page, string? notice)
    {
        var decisions = Paging.Of(records.List(new DecisionFilter(q, outcome)), page, Paging.DefaultSize);
        var html = StatusHtml.Overview(overview.Read(), decisions, records.Dead(), new DecisionFilter(q, outcome), forms.Issue(context), notice);
        return Write(context, html);
    }

    private static async Task Decision(HttpContext context, DecisionExplainer explainer, string id)
    {
        if (await explainer.ExplainAsync(id, context.RequestAborted).ConfigureAwait(false) is not { } detail)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await Write(context, StatusHtml.Layout("Not found", $"<p>There is no message {StatusText.Html(id)}.</p><p><a href=\"/status\">Back to the status page</a></p>")).ConfigureAwait(false);
            return;
        }

        await Write(context, StatusHtml.Decision(detail)).ConfigureAwait(false);
    }

    private static async Task<IResult> Retry(HttpContext context, StatusFormToken forms, IMessageStorage storage, TimeProvider time, ILogger<DecisionRecords> logger, string id)
    {
        if (!StatusEndpoints.SameOriginOrNone(context.Request) || !await forms.IsValidAsync(context).ConfigureAwait(false))
        {
            return Results.BadRequest("The form is stale or did not come from this page: reload the status page and try again.");
        }

        var outcome = StatusEndpoints.Requeue(context, storage, time, logger, id, "page");
        var notice = outcome.Result switch
        {
            RequeueResult.Requeued => "requeued",
            RequeueResult.NotDead => "not-dead",
            _ => "failed",
        };
        return Results.Redirect($"/status?notice={notice}#dead");
    }

    private static async Task<IResult> LogIn(HttpContext context, StatusAccess access)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (access.LoopbackOnly || !access.Attempt(context, form["token"].ToString()))
        {
            return new LoginResult("That is not the status token.");
        }

        context.Response.Cookies.Append(StatusAccess.CookieName, access.Session!, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Secure = context.Request.IsHttps,
        });
        return Results.Redirect("/status");
    }

    private static Task Write(HttpContext context, string html)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(html, context.RequestAborted);
    }

    private sealed class LoginResult(string? problem) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) =>
            Login(httpContext, problem is null ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized, problem);
    }
}
