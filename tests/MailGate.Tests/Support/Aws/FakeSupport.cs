using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MailGate.Tests.Support.Aws;

/// <summary>
/// AWS Support in <see cref="FakeAws"/>: <c>DescribeCases</c> (JSON 1.1) in each member account, signed
/// with the credentials STS issued for that account, filtered and paginated as AWS does (newest first).
/// </summary>
public sealed class FakeSupport : IFakeAwsJsonService
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<(string AccountId, FakeCase Case)> _cases = [];
    private readonly HashSet<string> _withoutSubscription = new(StringComparer.Ordinal);
    private int _count;

    internal FakeSupport(TimeProvider time) => _time = time;

    /// <summary>Cases per DescribeCases page at most; a smaller <c>maxResults</c> wins.</summary>
    public int CasesPageSize { get; set; } = 100;

    string IFakeAwsJsonService.TargetPrefix => "AWSSupport_20130415";

    string IFakeAwsJsonService.SigningName => "support";

    bool IFakeAwsJsonService.SignedByMember => true;

    /// <summary>Adds a case to <paramref name="accountId"/>'s Support; returns it with its id, display id and creation time filled in.</summary>
    public FakeCase AddCase(string accountId, FakeCase supportCase)
    {
        lock (_lock)
        {
            _count++;
            var created = supportCase.TimeCreated ?? _time.GetUtcNow();
            var filled = supportCase with
            {
                CaseId = supportCase.CaseId ?? string.Create(CultureInfo.InvariantCulture, $"case-{accountId}-muen-{created.Year}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{accountId}/{_count}")))[..16]}"),
                DisplayId = supportCase.DisplayId ?? (17000000000L + _count).ToString(CultureInfo.InvariantCulture),
                TimeCreated = created,
            };
            _cases.Add((accountId, filled));
            return filled;
        }
    }

    /// <summary>Marks case <paramref name="caseId"/> resolved, as AWS does when it is closed.</summary>
    public void ResolveCase(string caseId)
    {
        lock (_lock)
        {
            var index = _cases.FindIndex(c => c.Case.CaseId == caseId);
            _cases[index] = (_cases[index].AccountId, _cases[index].Case with { Status = "resolved" });
        }
    }

    /// <summary>Support calls in <paramref name="accountId"/> are answered 400 SubscriptionRequiredException.</summary>
    public void SubscriptionRequired(string accountId)
    {
        lock (_lock)
        {
            _withoutSubscription.Add(accountId);
        }
    }

    FakeAwsAnswer IFakeAwsJsonService.Answer(FakeAwsRequest request, string operation, JsonElement input) => operation switch
    {
        "DescribeCases" => DescribeCases(request, request.AccountId!, input),
        _ => FakeAwsAnswer.JsonError(request, 400, "UnknownOperationException", null),
    };

    FakeAwsAnswer IFakeAwsJsonService.Fault(FakeAwsRequest request, FakeAwsFault fault) => fault switch
    {
        FakeAwsFault.Throttling => FakeAwsAnswer.JsonError(request, 400, "com.amazon.coral.availability#ThrottlingException", "Rate exceeded",
            errorTypeHeader: "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/"),
        _ => FakeAwsAnswer.JsonError(request, 500, "InternalServerError", "We encountered an internal error. Please try again."),
    };

    private FakeAwsAnswer DescribeCases(FakeAwsRequest request, string accountId, JsonElement input)
    {
        var language = FakeAwsAnswer.Text(input, "language") ?? "en";
        var afterText = FakeAwsAnswer.Text(input, "afterTime");
        request = request with { Language = language, AfterTime = afterText, NextToken = FakeAwsAnswer.Text(input, "nextToken") };
        lock (_lock)
        {
            if (_withoutSubscription.Contains(accountId))
            {
                return FakeAwsAnswer.JsonError(request, 400, "SubscriptionRequiredException", "AWS Premium Support Subscription is required to use this service.");
            }
        }

        var maxResults = input.TryGetProperty("maxResults", out var max) && max.ValueKind == JsonValueKind.Number ? max.GetInt32() : 100;
        if (maxResults is < 10 or > 100)
        {
            return FakeAwsAnswer.JsonError(request, 400, "ValidationException",
                string.Create(CultureInfo.InvariantCulture, $"1 validation error detected: Value '{maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 10 and 100"));
        }

        DateTimeOffset? after = null;
        if (afterText is not null)
        {
            if (!DateTimeOffset.TryParse(afterText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return FakeAwsAnswer.JsonError(request, 400, "ValidationException", $"Invalid afterTime: {afterText}");
            }

            after = parsed;
        }

        var matching = Matching(accountId, language, input, after);
        var offset = 0;
        if (request.NextToken is { } token)
        {
            if (FakeAwsAnswer.PageOffset(token, "cases-" + accountId) is not { } parsed)
            {
                return FakeAwsAnswer.JsonError(request, 400, "ValidationException", "Invalid pagination token");
            }

            offset = parsed;
        }

        var includeCommunications = !input.TryGetProperty("includeCommunications", out var communications) || communications.ValueKind != JsonValueKind.False;
        var page = matching.Skip(offset).Take(Math.Min(CasesPageSize, maxResults)).ToList();
        var next = offset + page.Count < matching.Count ? FakeAwsAnswer.PageToken("cases-" + accountId, offset + page.Count) : null;
        return FakeAwsAnswer.Json(request, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("cases");
            foreach (var supportCase in page)
            {
                supportCase.WriteTo(writer, includeCommunications);
            }

            writer.WriteEndArray();
            if (next is not null)
            {
                writer.WriteString("nextToken", next);
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>The account's cases that the request's filters select, newest first (the later added first among equals).</summary>
    private List<FakeCase> Matching(string accountId, string language, JsonElement input, DateTimeOffset? after)
    {
        DateTimeOffset? before = FakeAwsAnswer.Text(input, "beforeTime") is { } beforeText
            ? DateTimeOffset.Parse(beforeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : null;
        var includeResolved = input.TryGetProperty("includeResolvedCases", out var resolved) && resolved.ValueKind == JsonValueKind.True;
        var ids = input.TryGetProperty("caseIdList", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal)
            : null;
        var displayId = FakeAwsAnswer.Text(input, "displayId");
        lock (_lock)
        {
            return _cases
                .Select((entry, index) => (entry.AccountId, entry.Case, Index: index))
                .Where(c => c.AccountId == accountId && c.Case.Language == language)
                .Where(c => includeResolved || c.Case.Status != "resolved")
                .Where(c => after is null || c.Case.TimeCreated >= after)
                .Where(c => before is null || c.Case.TimeCreated <= before)
                .Where(c => ids is null || ids.Contains(c.Case.CaseId!))
                .Where(c => displayId is null || c.Case.DisplayId == displayId)
                .OrderByDescending(c => c.Case.TimeCreated)
                .ThenByDescending(c => c.Index)
                .Select(c => c.Case)
                .ToList();
        }
    }
}
