using System.Net.Http.Headers;
using System.Text.Json;
using MailGate.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Poll.Aws;

/// <summary>
/// Calls an AWS JSON 1.1 API (<c>POST /</c> with <c>X-Amz-Target</c>), signed with SigV4 for each
/// attempt, with the retries of <see cref="AwsRetry"/>. Turns every failure into an <see cref="AwsException"/>.
/// </summary>
internal sealed class AwsJsonClient(
    IHttpClientFactory httpClients,
    IOptions<AwsOptions> options,
    TimeProvider time,
    ILogger<AwsJsonClient> logger)
{
    /// <summary>The name of the <see cref="HttpClient"/> configured for AWS.</summary>
    public const string HttpClientName = "MailGate.Aws";

    /// <summary>
    /// The most bytes of an answer read (a DescribeCases page of 100 cases with their recent
    /// communications is a few MiB); a larger answer is an error, not buffered.
    /// </summary>
    public const int MaxResponseBytes = 16 * 1024 * 1024;

    private const string Credentials = "[credentials]";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.1");

    /// <summary>Calls one API operation and returns the answer's JSON (cloned: it outlives any document).</summary>
    /// <param name="call">What is called, where, for which account, and how it is signed.</param>
    /// <param name="body">The request's JSON.</param>
    /// <param name="credentials">Gets the credentials to sign each attempt with (they may be renewed between attempts).</param>
    /// <param name="cancellationToken">Stops the call and any wait between attempts.</param>
    /// <exception cref="AwsException">AWS refused the call, or it still failed after the last attempt.</exception>
    public Task<JsonElement> CallAsync(
        AwsJsonCall call,
        byte[] body,
        Func<CancellationToken, Task<AwsCredentials>> credentials,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        return AwsRetry.ExecuteAsync(
            settings, time, logger, call.Operation, call.AccountId,
            token => AttemptAsync(call, body, credentials, call.SigningRegion ?? settings.Region, token),
            cancellationToken);
    }

    private async Task<JsonElement> AttemptAsync(
        AwsJsonCall call,
        byte[] body,
        Func<CancellationToken, Task<AwsCredentials>> credentials,
        string region,
        CancellationToken cancellationToken)
    {
        var signWith = await credentials(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, call.Endpoint);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", call.Target);
        SigV4.Sign(request, body, signWith, region, call.SigningName, time.GetUtcNow());

        var http = httpClients.CreateClient(HttpClientName);
        int status;
        string text;
        bool truncated;
        HttpResponseHeaders headers;
        string? redirect = null;
        try
        {
            // HttpClient.Timeout (Aws:RequestTimeout) bounds the wait for the headers; the body read has its own
            // limit of the same length, on real time like HttpClient's (it is a network timeout).
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            headers = response.Headers;
            if (OutboundHttp.IsRedirect(status))
            {
                redirect = OutboundHttp.RedirectTarget(response);
                (text, truncated) = ("", false);
            }
            else
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(options.Value.RequestTimeout);
                (text, truncated) = await BoundedBody.ReadAsync(response.Content, MaxResponseBytes, limit.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (AwsRetry.NoAnswer(e, call.Operation, call.AccountId, cancellationToken) is { } failure)
        {
            throw failure;
        }

        if (redirect is not null)
        {
            // Never followed: the request carries a signature and a session token for this endpoint only.
            throw new AwsException(call.Operation, call.AccountId, "Redirected", status, $"redirect to {redirect} not followed: AWS calls go only to the configured endpoint");
        }

        // AWS error messages are not known to quote credentials, but nothing from a server is logged unredacted:
        // the raw text, and what its JSON decodes to (and a header's error type) once more.
        string?[] secrets = [signWith.SecretAccessKey, signWith.SessionToken];
        text = SecretRedactor.Redact(text, secrets, Credentials);
        if (status is < 200 or > 299)
        {
            var (code, message) = AwsErrors.ParseJsonError(status, headers, text);
            throw new AwsException(call.Operation, call.AccountId, SecretRedactor.Redact(code, secrets, Credentials), status,
                message is null ? null : SecretRedactor.Redact(message, secrets, Credentials));
        }

        if (truncated)
        {
            throw new AwsException(call.Operation, call.AccountId, "ResponseTooLarge", status, $"the answer is larger than {MaxResponseBytes} bytes");
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new AwsException(call.Operation, call.AccountId, "InvalidResponse", status, $"the answer is not JSON: {e.Message}", innerException: e);
        }
    }
}

/// <summary>One JSON 1.1 operation to call.</summary>
/// <param name="Operation">Which call it is (for errors and logs).</param>
/// <param name="AccountId">The member account it is for, if any.</param>
/// <param name="Endpoint">The service endpoint; the request is POSTed there.</param>
/// <param name="SigningName">The service's SigV4 signing name (<c>support</c>, <c>organizations</c>).</param>
/// <param name="Target">The <c>X-Amz-Target</c>: service prefix, a dot, operation name.</param>
/// <param name="SigningRegion">The SigV4 region; null: <c>Aws:Region</c>.</param>
internal sealed record AwsJsonCall(AwsOperation Operation, string? AccountId, Uri Endpoint, string SigningName, string Target, string? SigningRegion = null);
