using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MailGate.Tests.Support;

/// <summary>
/// An HTTP server on 127.0.0.1 (a free port) that answers every request with <see cref="Respond"/> and
/// counts what it received: a stand-in for an endpoint that misbehaves (redirects, huge bodies, quoting
/// secrets back) or for the host a redirect points at.
/// </summary>
public sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private ScriptedHttpServer(WebApplication app) => _app = app;

    /// <summary>The server's base URL, ending in <c>/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Requests received so far.</summary>
    public int Requests => Volatile.Read(ref _requests);


    /// <summary>Writes the answer; 202 with an empty body by default.</summary>
    public Func<HttpContext, Task> Respond { get; set; } = context =>
    {
        context.Response.StatusCode = 202;
        return Task.CompletedTask;
    };

    public static async Task<ScriptedHttpServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ScriptedHttpServer(app);
        app.Run(async context =>
        {
            Interlocked.Increment(ref server._requests);
            await server.Respond(context);
        });
        await app.StartAsync();
        server.Url = new Uri(app.Urls.First() + "/");
        return server;
    }

    /// <summary>An answer that redirects to <paramref name="location"/> with <paramref name="status"/>.</summary>
    public static Func<HttpContext, Task> Redirect(int status, Uri location) => context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location.ToString();
        return Task.CompletedTask;
    };

    /// <summary>An answer of <paramref name="status"/> with <paramref name="body"/> and, if given, <c>Retry-After</c>.</summary>
    public static Func<HttpContext, Task> Status(int status, string body = "", string? retryAfter = null, string? date = null) => async context =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        if (date is not null)
        {
            context.Response.Headers.Date = date;
        }

        await context.Response.WriteAsync(body);
    };

    /// <summary>
    /// An answer of <paramref name="status"/> whose body is <paramref name="bytes"/> long (declared in
    /// Content-Length), written until the client hangs up (see <see cref="ByteCountingHandler"/> for what it read).
    /// </summary>
    public static Func<HttpContext, Task> HugeBody(int status, long bytes) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentLength = bytes;
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        long written = 0;
        try
        {
            while (written < bytes)
            {
                var length = (int)Math.Min(chunk.Length, bytes - written);
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, length), context.RequestAborted);
                written += length;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client closed the connection: what it did not want is never sent.
        }

    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
