using System.Net;
using System.Net.Http.Headers;

namespace MailGate.Tests.Support;

/// <summary>An HTTP handler that answers from a script, one step per request, and records the requests.</summary>
public sealed class ScriptedHandler(params Func<HttpResponseMessage>[] script) : HttpMessageHandler
{
    private int _next;

    public int Requests => _next;

    public List<string> Bodies { get; } = [];

    public static Func<HttpResponseMessage> Status(int status, TimeSpan? retryAfter = null, string body = "{}") => () =>
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body) };
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(delay);
        }

        return response;
    };

    public static Func<HttpResponseMessage> Refused() => () => throw new HttpRequestException("Connection refused");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Bodies.Add(await request.Content!.ReadAsStringAsync(cancellationToken));
        var step = Math.Min(Interlocked.Increment(ref _next) - 1, script.Length - 1);
        return script[step]();
    }
}
