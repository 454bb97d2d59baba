using System.Text.Json;

namespace MailGate.Tests.Support.Aws;

/// <summary>
/// AWS Health's organizational view in <see cref="FakeAws"/> (JSON 1.1, <c>AWSHealth_20160804</c>, signed with
/// the base credentials), with the API reference's shapes: <c>DescribeEventsForOrganization</c> (filter on
/// services, event type codes and <c>lastUpdatedTime.from</c>, times as epoch seconds),
/// <c>DescribeAffectedAccountsForOrganization</c> and <c>DescribeEventDetailsForOrganization</c>
/// (<c>successfulSet</c>, <c>failedSet</c>); every list paginated with <c>nextToken</c>.
/// </summary>
public sealed class FakeHealth : IFakeAwsJsonService
{
    private readonly Lock _lock = new();
    private readonly List<FakeHealthEvent> _events = [];
    private readonly HashSet<(string, string)> _failDetails = [];

    internal FakeHealth(TimeProvider time) => _ = time;

    /// <summary>Events per DescribeEventsForOrganization page (AWS: up to 100; small here to exercise pagination).</summary>
    public int EventsPageSize { get; set; } = 1;

    /// <summary>Accounts per DescribeAffectedAccountsForOrganization page.</summary>
    public int AccountsPageSize { get; set; } = 1;

    /// <summary>When true, every call is answered 400 <c>SubscriptionRequiredException</c>.</summary>
    public bool SubscriptionRequired { get; set; }

    /// <summary>When true, every call is answered as when the organizational view is not enabled.</summary>
    public bool OrganizationViewDisabled { get; set; }

    /// <summary>A hostile server: when set, every DescribeEventsForOrganization answers no events and this function's nextToken for the token asked with (null on the first page).</summary>
    public Func<string?, string?>? HostileEventsToken { get; set; }

    string IFakeAwsJsonService.TargetPrefix => "AWSHealth_20160804";

    string IFakeAwsJsonService.SigningName => "health";

    bool IFakeAwsJsonService.SignedByMember => false;

    /// <summary>Adds (or replaces, by ARN) an event.</summary>
    public void Put(FakeHealthEvent healthEvent)
    {
        lock (_lock)
        {
            _events.RemoveAll(e => e.Arn == healthEvent.Arn);
            _events.Add(healthEvent);
        }
    }

    /// <summary>Puts (event, account) into <c>failedSet</c> of the details call until <paramref name="fail"/> is false.</summary>
    public void FailDetails(string arn, string account, bool fail = true)
    {
        lock (_lock)
        {
            _ = fail ? _failDetails.Add((arn, account)) : _failDetails.Remove((arn, account));
        }
    }

    FakeAwsAnswer IFakeAwsJsonService.Answer(FakeAwsRequest request, string operation, JsonElement input) =>
        SubscriptionRequired ? FakeAwsAnswer.JsonError(request, 400, "SubscriptionRequiredException", "The requested resource requires a Business or Enterprise support plan.")
        : OrganizationViewDisabled ? FakeAwsAnswer.JsonError(request, 400, "AWSOrganizationsNotInUseException", "Your organization's organizational view is not enabled. Call EnableHealthServiceAccessForOrganization.")
        : operation switch
        {
            "DescribeEventsForOrganization" => Events(request, input),
            "DescribeAffectedAccountsForOrganization" => Accounts(request, input),
            "DescribeEventDetailsForOrganization" => Details(request, input),
            _ => FakeAwsAnswer.JsonError(request, 400, "UnknownOperationException", null),
        };

    FakeAwsAnswer IFakeAwsJsonService.Fault(FakeAwsRequest request, FakeAwsFault fault) => fault switch
    {
        FakeAwsFault.Throttling => FakeAwsAnswer.JsonError(request, 400, "ThrottlingException", "Rate exceeded"),
        _ => FakeAwsAnswer.JsonError(request, 500, "InternalFailure", "We encountered an internal error. Please try again."),
    };

    private FakeAwsAnswer Events(FakeAwsRequest request, JsonElement input)
    {
        var filter = input.TryGetProperty("filter", out var f) ? f : default;
        var services = Strings(filter, "services");
        var codes = Strings(filter, "eventTypeCodes");
        if (HostileEventsToken is { } hostile)
        {
            var asked = FakeAwsAnswer.Text(input, "nextToken");
            request = request with { NextToken = asked };
            return FakeAwsAnswer.Json(request, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("events");
                w.WriteEndArray();
                Next(w, hostile(asked));
                w.WriteEndObject();
            });
        }

        double? from = filter.ValueKind == JsonValueKind.Object && filter.TryGetProperty("lastUpdatedTime", out var range) && range.TryGetProperty("from", out var v) ? v.GetDouble() : null;
        if (Offset(ref request, input, "events") is not { } offset)
        {
            return FakeAwsAnswer.JsonError(request, 400, "InvalidPaginationToken", "Invalid pagination token");
        }

        List<FakeHealthEvent> page;
        string? next;
        lock (_lock)
        {
            var all = _events.Where(e => (services.Count == 0 || services.Contains(e.Service)) && (codes.Count == 0 || codes.Contains(e.EventTypeCode))
                && (from is null || Seconds(e.LastUpdated) >= from)).OrderByDescending(e => e.LastUpdated).ToList();
            page = all.Skip(offset).Take(EventsPageSize).ToList();
            next = offset + page.Count < all.Count ? FakeAwsAnswer.PageToken("events", offset + page.Count) : null;
        }

        return FakeAwsAnswer.Json(request, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("events");
            foreach (var e in page)
            {
                WriteEvent(w, e);
            }

            w.WriteEndArray();
            Next(w, next);
            w.WriteEndObject();
        });
    }

    private FakeAwsAnswer Accounts(FakeAwsRequest request, JsonElement input)
    {
        var arn = FakeAwsAnswer.Text(input, "eventArn");
        if (Offset(ref request, input, "accounts") is not { } offset)
        {
            return FakeAwsAnswer.JsonError(request, 400, "InvalidPaginationToken", "Invalid pagination token");
        }

        FakeHealthEvent? e;
        lock (_lock)
        {
            e = _events.FirstOrDefault(x => x.Arn == arn);
        }

        var accounts = e?.Accounts ?? [];
        var page = accounts.Skip(offset).Take(AccountsPageSize).ToList();
        var next = offset + page.Count < accounts.Count ? FakeAwsAnswer.PageToken("accounts", offset + page.Count) : null;
        return FakeAwsAnswer.Json(request, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("affectedAccounts");
            page.ForEach(w.WriteStringValue);
            w.WriteEndArray();
            w.WriteString("eventScopeCode", "ACCOUNT_SPECIFIC");
            Next(w, next);
            w.WriteEndObject();
        });
    }

    private FakeAwsAnswer Details(FakeAwsRequest request, JsonElement input)
    {
        var filters = input.TryGetProperty("organizationEventDetailFilters", out var list) ? list.EnumerateArray().ToList() : [];
        if (filters.Count is 0 or > 10)
        {
            return FakeAwsAnswer.JsonError(request, 400, "ValidationException", "organizationEventDetailFilters must have between 1 and 10 items");
        }

        List<(FakeHealthEvent? Event, string Arn, string Account, bool Fail)> asked;
        lock (_lock)
        {
            asked = [.. filters.Select(x => (FakeAwsAnswer.Text(x, "eventArn") ?? "", FakeAwsAnswer.Text(x, "awsAccountId") ?? ""))
                .Select(p => (_events.FirstOrDefault(e => e.Arn == p.Item1), p.Item1, p.Item2, _failDetails.Contains(p)))];
        }

        return FakeAwsAnswer.Json(request, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("successfulSet");
            foreach (var (e, _, account, _) in asked.Where(a => a.Event is not null && a.Event.Accounts.Contains(a.Account) && !a.Fail))
            {
                w.WriteStartObject();
                w.WriteString("awsAccountId", account);
                w.WritePropertyName("event");
                WriteEvent(w, e!);
                w.WriteStartObject("eventDescription");
                w.WriteString("latestDescription", e!.Description.Replace("{account}", account, StringComparison.Ordinal));
                w.WriteEndObject();
                w.WriteStartObject("eventMetadata");
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("failedSet");
            foreach (var (_, arn, account, _) in asked.Where(a => a.Event is null || !a.Event.Accounts.Contains(a.Account) || a.Fail))
            {
                w.WriteStartObject();
                w.WriteString("awsAccountId", account);
                w.WriteString("eventArn", arn);
                w.WriteString("errorName", "ThrottlingException");
                w.WriteString("errorMessage", "Could not retrieve the event details for this account right now.");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WriteEvent(Utf8JsonWriter w, FakeHealthEvent e)
    {
        w.WriteStartObject();
        w.WriteString("arn", e.Arn);
        w.WriteString("service", e.Service);
        w.WriteString("eventTypeCode", e.EventTypeCode);
        w.WriteString("eventTypeCategory", e.Category);
        w.WriteString("eventScopeCode", "ACCOUNT_SPECIFIC");
        w.WriteString("region", e.Region);
        w.WriteNumber("startTime", Seconds(e.Start));
        w.WriteNumber("lastUpdatedTime", Seconds(e.LastUpdated));
        w.WriteString("statusCode", e.Status);
        w.WriteEndObject();
    }

    private static double Seconds(DateTimeOffset t) => t.ToUnixTimeMilliseconds() / 1000.0;

    private static int? Offset(ref FakeAwsRequest request, JsonElement input, string kind)
    {
        if (FakeAwsAnswer.Text(input, "nextToken") is not { } token)
        {
            return 0;
        }

        request = request with { NextToken = token };
        return FakeAwsAnswer.PageOffset(token, kind);
    }

    private static void Next(Utf8JsonWriter w, string? next)
    {
        if (next is not null)
        {
            w.WriteString("nextToken", next);
        }
    }

    private static List<string> Strings(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? [.. a.EnumerateArray().Select(x => x.GetString() ?? "")]
            : [];
}

/// <summary>One Health event in <see cref="FakeHealth"/>; <see cref="Description"/> may say <c>{account}</c>.</summary>
public sealed record FakeHealthEvent(
    string Arn, string Service, string EventTypeCode, string Category, string Region,
    DateTimeOffset Start, DateTimeOffset LastUpdated, string Status, string Description, IReadOnlyList<string> Accounts)
{
    /// <summary>An event of <paramref name="code"/> in <paramref name="service"/>, open, started and updated at <paramref name="at"/>.</summary>
    public static FakeHealthEvent Of(string service, string code, DateTimeOffset at, params string[] accounts) =>
        new($"arn:aws:health:global::event/{service}/{code}/{code}_{Guid.NewGuid():N}", service, code, "issue", "global", at, at, "open",
            $"AWS Health reports {code} for your AWS account {{account}}.", accounts);
}
