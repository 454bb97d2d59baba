using MailGate.Core.Parse;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MailGate.Parse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Poll.Aws;

/// <summary>AWS Support in a member account, called with that account's assumed-role credentials.</summary>
internal sealed class SupportClient(
    AwsJsonClient json,
    MemberAccountCredentials credentials,
    IOptions<AwsOptions> options,
    ILogger<SupportClient> logger)
{
    private const string Target = "AWSSupport_20130415.DescribeCases";

    /// <summary>Errors that mean the cached session credentials no longer work.</summary>
    private static readonly HashSet<string> StaleCredentials = new(StringComparer.Ordinal)
    {
        "ExpiredTokenException", "ExpiredToken", "InvalidClientTokenId", "UnrecognizedClientException",
    };

    /// <summary>Reads one page of the account's support cases.</summary>
    /// <exception cref="AwsException">
    /// The role could not be assumed (<see cref="AwsOperation.AssumeRole"/>), or DescribeCases failed
    /// (<see cref="AwsOperation.DescribeCases"/>; <c>SubscriptionRequiredException</c> when the account
    /// has no Business, Enterprise On-Ramp or Enterprise Support plan).
    /// </exception>
    public async Task<DescribeCasesPage> DescribeCasesAsync(string accountId, DescribeCasesRequest request, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Language);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.MaxResults, 10);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(request.MaxResults, 100);
        if (request.CaseIds is { Count: > 100 })
        {
            throw new ArgumentException("DescribeCases takes at most 100 case ids.", nameof(request));
        }

        var call = new AwsJsonCall(AwsOperation.DescribeCases, accountId, options.Value.SupportEndpoint, "support", Target);
        JsonElement answer;
        try
        {
            answer = await json.CallAsync(call, Body(request), async t => await credentials.GetAsync(accountId, t).ConfigureAwait(false), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (AwsException e) when (e.Operation == AwsOperation.DescribeCases && StaleCredentials.Contains(e.ErrorCode))
        {
            credentials.Forget(accountId);
            AwsLog.CredentialsDropped(logger, accountId, e.ErrorCode);
            throw;
        }

        var cases = answer.TryGetProperty("cases", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(SupportCase.TryRead).OfType<SupportCase>().ToArray()
            : [];
        var nextToken = answer.TryGetProperty("nextToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
        return new DescribeCasesPage(cases, string.IsNullOrEmpty(nextToken) ? null : nextToken);
    }

    /// <summary>
    /// Every case that <paramref name="request"/> selects, page after page (from its <see cref="DescribeCasesRequest.NextToken"/>
    /// to the last page), newest first within each page. A page is asked for only when the previous one has been consumed.
    /// </summary>
    /// <exception cref="AwsException">As <see cref="DescribeCasesAsync"/>; also <c>InvalidResponse</c> when the pages never end (<see cref="PageTokens"/>).</exception>
    public async IAsyncEnumerable<SupportCase> ListCasesAsync(
        string accountId, DescribeCasesRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tokens = new PageTokens(AwsOperation.DescribeCases, accountId);
        var token = request.NextToken;
        do
        {
            var page = await DescribeCasesAsync(accountId, request with { NextToken = token }, cancellationToken).ConfigureAwait(false);
            foreach (var supportCase in page.Cases)
            {
                yield return supportCase;
            }

            token = tokens.Next(page.NextToken);
        }
        while (token is not null);
    }

    private static byte[] Body(DescribeCasesRequest request)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (request.CaseIds is { Count: > 0 } ids)
            {
                writer.WriteStartArray("caseIdList");
                foreach (var id in ids)
                {
                    writer.WriteStringValue(id);
                }

                writer.WriteEndArray();
            }

            if (request.AfterTime is { } after)
            {
                writer.WriteString("afterTime", after.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            }

            writer.WriteBoolean("includeResolvedCases", request.IncludeResolvedCases);
            writer.WriteBoolean("includeCommunications", request.IncludeCommunications);
            writer.WriteString("language", request.Language);
            writer.WriteNumber("maxResults", request.MaxResults);
            if (request.NextToken is not null)
            {
                writer.WriteString("nextToken", request.NextToken);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
