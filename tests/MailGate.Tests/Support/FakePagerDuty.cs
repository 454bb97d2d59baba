using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MailGate.Tests.Support;

/// <summary>
/// A fake PagerDuty Events API v2 served over real HTTP on 127.0.0.1 (a free port). It records every
/// request and answers with whatever <see cref="Respond"/> says for that request (202 by default).
/// </summary>
public sealed class FakePagerDuty : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ReceivedEvent> _requests = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;

    private FakePagerDuty(WebApplication app) => _app = app;

    /// <summary>The URL to configure as <c>PagerDuty:EventsUrl</c>.</summary>
    public Uri EventsUrl { get; private set; } = null!;

    /// <summary>Chooses the answer to the n-th request (1-based).</summary>
    public Func<int, FakeResponse> Respond { get; set; } = _ => FakeResponse.Accepted;

    /// <summary>When set, chooses the answer from the request's JSON instead of <see cref="Respond"/>.</summary>
    public Func<JsonElement, FakeResponse>? RespondTo { get; set; }

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<ReceivedEvent> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The requests that were answered 202.</summary>
    public IReadOnlyList<ReceivedEvent> Accepted => Requests.Where(r => r.Status == 202).ToArray();

    public static async Task<FakePagerDuty> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakePagerDuty(app);
        app.MapPost("/v2/enqueue", fake.HandleAsync);
        await app.StartAsync();
        fake.EventsUrl = new Uri(app.Urls.First() + "/v2/enqueue");
        return fake;
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the requests received, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<ReceivedEvent>, bool> condition, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (condition(_requests))
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"PagerDuty fake: condition not met within {timeout}; {Requests.Count} request(s) received");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        int number;
        lock (_lock)
        {
            number = _requests.Count + _inFlight + 1;
            _inFlight++;
        }

        var response = RespondTo is { } respondTo ? respondTo(JsonDocument.Parse(body).RootElement.Clone()) : Respond(number);
        var answered = !response.Abort;
        if (answered && response.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(response.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                answered = false; // the client gave up waiting
            }
        }

        Record(context, body, answered ? response.Status : 0);
        if (!answered)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = response.Status;
        if (response.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (response.Location is { } location)
        {
            context.Response.Headers.Location = location.ToString();
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.Body);
    }

    private void Record(HttpContext context, string body, int status)
    {
        lock (_lock)
        {
            _inFlight--;
            _requests.Add(new ReceivedEvent(JsonDocument.Parse(body).RootElement.Clone(), body, status, DateTimeOffset.UtcNow, context.Request.ContentLength, context.Request.ContentType));
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}

/// <summary>One answer of the fake.</summary>
public sealed record FakeResponse(int Status, string Body, TimeSpan? RetryAfter = null, TimeSpan Delay = default, bool Abort = false, Uri? Location = null)
{
    /// <summary>A redirect (<paramref name="status"/> 3xx) to <paramref name="location"/>, as a hijacked or misconfigured endpoint would answer.</summary>
    public static FakeResponse Redirect(int status, Uri location) => new(status, "", Location: location);

    /// <summary>Drops the connection without an answer (what a refused or reset connection looks like to the client).</summary>
    public static FakeResponse Reset { get; } = new(0, "", Abort: true);

    /// <summary>Answers 202 only after <paramref name="delay"/>: longer than the client's timeout is a hang.</summary>
    public static FakeResponse Hang(TimeSpan delay) => new(202, """{"status":"success"}""", Delay: delay);

    /// <summary>Accepts, but slowly: widens the window in which a crash can hit a POST in flight.</summary>
    public static FakeResponse SlowAccept(TimeSpan delay) => Accepted with { Delay = delay };

    public static FakeResponse Accepted { get; } =
        new(202, """{"status":"success","message":"Event processed","dedup_key":"x"}""");

    public static FakeResponse ServerError { get; } = new(500, """{"status":"error","message":"internal"}""");

    public static FakeResponse Unavailable { get; } = new(503, "Service Unavailable");

    public static FakeResponse Invalid { get; } =
        new(400, """{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect (should be 32 characters)"]}""");
}

/// <summary>A request the fake received (recorded when answered); <see cref="Status"/> 0 means the client got no answer (reset, or it gave up waiting).</summary>
public sealed record ReceivedEvent(JsonElement Json, string Raw, int Status, DateTimeOffset At, long? ContentLength, string? ContentType)
{
    public string DedupKey => Json.GetProperty("dedup_key").GetString()!;

    public string RoutingKey => Json.GetProperty("routing_key").GetString()!;

    public JsonElement Payload => Json.GetProperty("payload");

    public JsonElement Details => Payload.GetProperty("custom_details");
}
