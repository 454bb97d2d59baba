using System.Runtime.CompilerServices;
using System.Text.Json;
using MailGate.Poll.Aws;
using Microsoft.Extensions.Options;

namespace MailGate.HealthEvents;

/// <summary>
/// AWS Health's organizational view (JSON 1.1, <c>X-Amz-Target: AWSHealth_20160804.&lt;Operation&gt;</c>, SigV4
/// service <c>health</c>), called with the base credentials. Throttling is retried with backoff by
/// <see cref="AwsJsonClient"/>; every other failure is an <see cref="AwsException"/> (notably
/// <c>SubscriptionRequiredException</c>, and <c>AWSOrganizationsNotInUseException</c> or a
/// <c>ValidationException</c>/<c>ConflictException</c> when the organizational view is not enabled).
/// </summary>
internal sealed class HealthClient(AwsJsonClient json, BaseCredentials credentials, IOptions<HealthOptions> options)
{
    /// <summary>Most filters <c>DescribeEventDetailsForOrganization</c> takes in one call.</summary>
    public const int DetailsBatch = 10;

    /// <summary>Every event updated since <paramref name="from"/> of the configured services and types, page after page.</summary>
    public async IAsyncEnumerable<JsonElement> EventsAsync(DateTimeOffset from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var tokens = new PageTokens(AwsOperation.DescribeEventsForOrganization, null);
        string? token = null;
        do
        {
            var answer = await CallAsync(AwsOperation.DescribeEventsForOrganization, w =>
            {
                w.WriteStartObject("filter");
                Strings(w, "services", settings.EffectiveServices);
                if (settings.EventTypeCodes.Count > 0)
                {
                    Strings(w, "eventTypeCodes", [.. settings.EventTypeCodes]);
                }

                w.WriteStartObject("lastUpdatedTime");
                w.WriteNumber("from", from.ToUnixTimeMilliseconds() / 1000.0);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteNumber("maxResults", 100);
                Token(w, token);
            }, cancellationToken).ConfigureAwait(false);
            foreach (var e in Array(answer, "events"))
            {
                yield return e;
            }

            token = tokens.Next(Text(answer, "nextToken"));
        }
        while (token is not null);
    }

    /// <summary>Every account <paramref name="eventArn"/> affects, page after page.</summary>
    public async Task<IReadOnlyList<string>> AffectedAccountsAsync(string eventArn, CancellationToken cancellationToken)
    {
        var tokens = new PageTokens(AwsOperation.DescribeAffectedAccountsForOrganization, null);
        var accounts = new List<string>();
        string? token = null;
        do
        {
            var answer = await CallAsync(AwsOperation.DescribeAffectedAccountsForOrganization, w =>
            {
                w.WriteString("eventArn", eventArn);
                w.WriteNumber("maxResults", 100);
                Token(w, token);
            }, cancellationToken).ConfigureAwait(false);
            accounts.AddRange(Array(answer, "affectedAccounts").Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!));
            token = tokens.Next(Text(answer, "nextToken"));
        }
        while (token is not null);
        return accounts;
    }

    /// <summary>The details of at most <see cref="DetailsBatch"/> (event, account) pairs: the <c>successfulSet</c> entries and the <c>failedSet</c> ones.</summary>
    public async Task<(IReadOnlyList<JsonElement> Successful, IReadOnlyList<JsonElement> Failed)> DetailsAsync(
        IReadOnlyList<(string EventArn, string AccountId)> pairs, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pairs.Count, DetailsBatch);
        var answer = await CallAsync(AwsOperation.DescribeEventDetailsForOrganization, w =>
        {
            w.WriteStartArray("organizationEventDetailFilters");
            foreach (var (arn, account) in pairs)
            {
                w.WriteStartObject();
                w.WriteString("eventArn", arn);
                w.WriteString("awsAccountId", account);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("locale", "en");
        }, cancellationToken).ConfigureAwait(false);
        return ([.. Array(answer, "successfulSet")], [.. Array(answer, "failedSet")]);
    }

    private Task<JsonElement> CallAsync(AwsOperation operation, Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        var call = new AwsJsonCall(operation, null, settings.Endpoint, "health", "AWSHealth_20160804." + operation, settings.Region);
        return json.CallAsync(call, buffer.ToArray(), t => credentials.GetAsync(operation, null, t), cancellationToken);
    }

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void Token(Utf8JsonWriter w, string? token)
    {
        if (token is not null)
        {
            w.WriteString("nextToken", token);
        }
    }

    private static JsonElement[] Array(JsonElement answer, string name) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? [.. list.EnumerateArray()] : [];

    private static string? Text(JsonElement answer, string name) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}
