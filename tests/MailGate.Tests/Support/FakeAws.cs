using System.Globalization;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace MailGate.Tests.Support;

/// <summary>
/// A fake AWS served over real HTTP on 127.0.0.1 (a free port): STS <c>AssumeRole</c> (query
/// protocol, XML), Organizations <c>ListAccounts</c> and Support <c>DescribeCases</c> (JSON 1.1), all
/// at <see cref="Url"/>. Every request must carry a well-formed SigV4 signature (the fake cannot
/// check the HMAC, which the SigV4 test vectors do); Organizations and STS calls must be signed by the
/// base credentials of <see cref="FakeAwsEnvironment"/>, Support calls by the credentials AssumeRole
/// issued for the account, with their session token. Anything else is answered 403 and recorded in
/// <see cref="SignatureProblems"/>. Support calls with expired (or <see cref="ExpireCredentials"/>)
/// credentials are answered 403 ExpiredTokenException, as AWS does.
/// </summary>
/// <example>
/// <code>
/// await using var aws = await FakeAws.StartAsync(time);
/// aws.AddAccount("111111111111", "prod", "aws-prod@example.com");
/// var c = aws.AddCase("111111111111", new FakeCase { Subject = "Your AWS Access Key is Exposed" });
/// aws.Throttle(2);                               // the next two Organizations/Support calls: 400 throttling
/// // configure MailGate with aws.Settings (Aws:StsEndpoint, Aws:OrganizationsEndpoint, Aws:SupportEndpoint)
/// Assert.That(aws.SignatureProblems, Is.Empty);
/// </code>
/// </example>
public sealed partial class FakeAws : IAsyncDisposable
{
    /// <summary>The management account: the one whose base credentials call Organizations and STS.</summary>
    public const string ManagementAccountId = "999999999999";

    private const string StsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";
    private const string OrganizationId = "o-exampleorgid";

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<FakeAccount> _accounts = [];
    private readonly List<(string AccountId, FakeCase Case)> _cases = [];
    private readonly Dictionary<string, IssuedCredentials> _issued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _denied = new(StringComparer.Ordinal);
    private readonly HashSet<string> _withoutSubscription = new(StringComparer.Ordinal);
    private readonly HashSet<string> _revoked = new(StringComparer.Ordinal);
    private readonly Queue<Fault> _faults = new();
    private readonly List<FakeAwsRequest> _requests = [];
    private readonly List<string> _signatureProblems = [];
    private int _issuedCount;
    private int _caseCount;

    private FakeAws(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
    }

    private enum Fault
    {
        Throttling,
        ServerError,
    }

    /// <summary>The one endpoint of all three services (ends with <c>/</c>).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The configuration that points MailGate's AWS clients at this fake.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Aws:StsEndpoint"] = Url.ToString(),
        ["Aws:OrganizationsEndpoint"] = Url.ToString(),
        ["Aws:SupportEndpoint"] = Url.ToString(),
    };

    /// <summary>The region every signature's scope must name.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Accounts per ListAccounts page (AWS allows up to 20).</summary>
    public int AccountsPageSize { get; set; } = 2;

    /// <summary>Cases per DescribeCases page at most; a smaller <c>maxResults</c> wins.</summary>
    public int CasesPageSize { get; set; } = 100;

    /// <summary>How long issued credentials last; <see langword="null"/>: the <c>DurationSeconds</c> asked for.</summary>
    public TimeSpan? CredentialLifetime { get; set; }

    /// <summary>Every request answered, in order.</summary>
    public IReadOnlyList<FakeAwsRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Every request whose signature was malformed, unsigned, or signed with the wrong credentials: should stay empty.</summary>
    public IReadOnlyList<string> SignatureProblems
    {
        get
        {
            lock (_lock)
            {
                return [.. _signatureProblems];
            }
        }
    }

    /// <summary>The ExternalId of every AssumeRole request, in order (<see langword="null"/> when none was sent).</summary>
    public IReadOnlyList<string?> ExternalIds => Requests.Where(r => r.Operation == "AssumeRole").Select(r => r.ExternalId).ToArray();

    /// <summary>The requests of one operation.</summary>
    public IReadOnlyList<FakeAwsRequest> RequestsOf(string operation) => Requests.Where(r => r.Operation == operation).ToArray();

    /// <summary>Starts the fake; <paramref name="time"/> dates issued credentials and new cases (the system clock by default).</summary>
    public static async Task<FakeAws> StartAsync(TimeProvider? time = null)
    {
        FakeAwsEnvironment.Apply();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeAws(app, time ?? TimeProvider.System);
        app.MapPost("/", fake.HandleAsync);
        await app.StartAsync();
        fake.Url = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>Adds an account to the Organization (status ACTIVE, SUSPENDED or PENDING_CLOSURE).</summary>
    public void AddAccount(string id, string name, string email, string status = "ACTIVE")
    {
        lock (_lock)
        {
            _accounts.Add(new FakeAccount(id, name, email, status, _time.GetUtcNow().AddDays(-30 - _accounts.Count)));
        }
    }

    /// <summary>Adds a case to <paramref name="accountId"/>'s Support; returns it with its id, display id and creation time filled in.</summary>
    public FakeCase AddCase(string accountId, FakeCase supportCase)
    {
        lock (_lock)
        {
            _caseCount++;
            var created = supportCase.TimeCreated ?? _time.GetUtcNow();
            var filled = supportCase with
            {
                CaseId = supportCase.CaseId ?? string.Create(CultureInfo.InvariantCulture, $"case-{accountId}-muen-{created.Year}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{accountId}/{_caseCount}")))[..16]}"),
                DisplayId = supportCase.DisplayId ?? (17000000000L + _caseCount).ToString(CultureInfo.InvariantCulture),
                TimeCreated = created,
            };
            _cases.Add((accountId, filled));
            return filled;
        }
    }

    /// <summary>AssumeRole into <paramref name="accountId"/>'s role works again (after <see cref="DenyAssumeRole"/>).</summary>
    public void AllowAssumeRole(string accountId)
    {
        lock (_lock)
        {
            _denied.Remove(accountId);
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

    /// <summary>AssumeRole into <paramref name="accountId"/>'s role is answered 403 AccessDenied.</summary>
    public void DenyAssumeRole(string accountId)
    {
        lock (_lock)
        {
            _denied.Add(accountId);
        }
    }

    /// <summary>Every credential issued so far for <paramref name="accountId"/> is answered 403 ExpiredTokenException from now on.</summary>
    public void ExpireCredentials(string accountId)
    {
        lock (_lock)
        {
            _revoked.UnionWith(_issued.Values.Where(c => c.AccountId == accountId).Select(c => c.AccessKeyId));
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

    /// <summary>The next <paramref name="count"/> Organizations/Support calls are answered 400 throttling.</summary>
    public void Throttle(int count) => Enqueue(Fault.Throttling, count);

    /// <summary>The next <paramref name="count"/> Organizations/Support calls are answered 500.</summary>
    public void FailWithServerError(int count) => Enqueue(Fault.ServerError, count);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Enqueue(Fault fault, int count)
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _faults.Enqueue(fault);
            }
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        var answer = headers.TryGetValue("x-amz-target", out var target)
            ? AnswerJson(target, headers, body)
            : AnswerSts(headers, body);
        lock (_lock)
        {
            _requests.Add(answer.Request with { Headers = headers, Body = body, Status = answer.Status });
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        foreach (var (name, value) in answer.Headers)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(answer.Body);
    }

    private Answer AnswerSts(Dictionary<string, string> headers, string body)
    {
        var form = QueryHelpers.ParseQuery(body);
        string Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : "";
        var action = Field("Action");
        var externalId = form.TryGetValue("ExternalId", out var id) ? id.ToString() : null;
        var roleArn = Field("RoleArn");
        var match = RoleArn().Match(roleArn);
        var accountId = match.Success ? match.Groups[1].Value : null;
        var request = Request("sts", action.Length > 0 ? action : "(none)", accountId, headers) with { ExternalId = externalId };

        if (CheckSignature(headers, "sts", member: null) is { } problem)
        {
            return StsError(request, 403, "IncompleteSignature", problem);
        }

        if (action != "AssumeRole" || Field("Version") != "2011-06-15")
        {
            return StsError(request, 400, "InvalidAction", $"Could not find operation {action} for version {Field("Version")}");
        }

        if (accountId is null || Field("RoleSessionName").Length < 2)
        {
            return StsError(request, 400, "ValidationError", $"1 validation error detected: Value '{roleArn}' at 'roleArn' failed to satisfy constraint");
        }

        lock (_lock)
        {
            if (_denied.Contains(accountId))
            {
                return StsError(request, 403, "AccessDenied",
                    $"User: arn:aws:iam::{ManagementAccountId}:user/mailgate is not authorized to perform: sts:AssumeRole on resource: {roleArn}");
            }

            var duration = int.TryParse(Field("DurationSeconds"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : 3600;
            var expiration = _time.GetUtcNow() + (CredentialLifetime ?? TimeSpan.FromSeconds(duration));
            _issuedCount++;
            var issued = new IssuedCredentials(
                accountId,
                string.Create(CultureInfo.InvariantCulture, $"ASIA{accountId}{_issuedCount:D4}"),
                $"fake/{accountId}/secret/{_issuedCount}",
                $"FwoGZXIvYXdzEFAKE//session-for-{accountId}-{_issuedCount}",
                expiration);
            _issued[issued.AccessKeyId] = issued;
            var session = Field("RoleSessionName");
            var xml = $"""
                <AssumeRoleResponse xmlns="{StsNamespace}">
                  <AssumeRoleResult>
                    <AssumedRoleUser>
                      <Arn>arn:aws:sts::{accountId}:assumed-role/{Xml(roleArn[(roleArn.LastIndexOf('/') + 1)..])}/{Xml(session)}</Arn>
                      <AssumedRoleId>AROAFAKE{accountId}:{Xml(session)}</AssumedRoleId>
                    </AssumedRoleUser>
                    <Credentials>
                      <AccessKeyId>{issued.AccessKeyId}</AccessKeyId>
                      <SecretAccessKey>{Xml(issued.SecretAccessKey)}</SecretAccessKey>
                      <SessionToken>{Xml(issued.SessionToken)}</SessionToken>
                      <Expiration>{expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}</Expiration>
                    </Credentials>
                    <PackedPolicySize>6</PackedPolicySize>
                  </AssumeRoleResult>
                  <ResponseMetadata>
                    <RequestId>{Guid.NewGuid()}</RequestId>
                  </ResponseMetadata>
                </AssumeRoleResponse>
                """;
            return new Answer(request, 200, "text/xml", xml, []);
        }
    }

    private Answer AnswerJson(string target, Dictionary<string, string> headers, string body)
    {
        var dot = target.IndexOf('.', StringComparison.Ordinal);
        var (prefix, operation) = dot < 0 ? (target, "") : (target[..dot], target[(dot + 1)..]);
        var service = prefix switch
        {
            "AWSSupport_20130415" => "support",
            "AWSOrganizationsV20161128" => "organizations",
            _ => "unknown",
        };
        var member = service == "support" ? MemberOf(headers) : null;
        var request = Request(service, operation, member?.AccountId, headers);
        if (service == "unknown")
        {
            return JsonError(request, 400, "UnknownOperationException", null);
        }

        if (CheckSignature(headers, service, member) is { } problem)
        {
            return JsonError(request, 403, "IncompleteSignatureException", problem);
        }

        if (headers.GetValueOrDefault("content-type") != "application/x-amz-json-1.1")
        {
            return JsonError(request, 400, "SerializationException", "Content-Type must be application/x-amz-json-1.1");
        }

        JsonElement input;
        try
        {
            using var json = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
            input = json.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonError(request, 400, "SerializationException", "Start of structure or map found where not expected.");
        }

        lock (_lock)
        {
            if (member is not null && (_time.GetUtcNow() >= member.Expiration || _revoked.Contains(member.AccessKeyId)))
            {
                return JsonError(request, 403, "ExpiredTokenException", "The security token included in the request is expired");
            }

            if (_faults.TryDequeue(out var fault))
            {
                return (fault, service) switch
                {
                    (Fault.Throttling, "support") => JsonError(request, 400, "com.amazon.coral.availability#ThrottlingException", "Rate exceeded",
                        errorTypeHeader: "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/"),
                    (Fault.Throttling, _) => JsonError(request, 400, "TooManyRequestsException",
                        "AWS Organizations can't complete your request because another request is already in progress. Try again later.", capitalMessage: true),
                    (_, "support") => JsonError(request, 500, "InternalServerError", "We encountered an internal error. Please try again."),
                    _ => JsonError(request, 500, "ServiceException", "AWS Organizations can't complete your request because of an internal service error. Try again later.", capitalMessage: true),
                };
            }

            return (service, operation) switch
            {
                ("organizations", "ListAccounts") => ListAccounts(request, input),
                ("support", "DescribeCases") => DescribeCases(request with { AccountId = member!.AccountId }, member.AccountId, input),
                _ => JsonError(request, 400, "UnknownOperationException", null),
            };
        }
    }

    private Answer ListAccounts(FakeAwsRequest request, JsonElement input)
    {
        var offset = 0;
        if (Text(input, "NextToken") is { } token)
        {
            request = request with { NextToken = token };
            if (Offset(token, "accounts") is not { } parsed)
            {
                return JsonError(request, 400, "InvalidInputException", "You provided a value that does not match the required pattern.", capitalMessage: true);
            }

            offset = parsed;
        }

        var page = _accounts.Skip(offset).Take(AccountsPageSize).ToList();
        var next = offset + page.Count < _accounts.Count ? Token("accounts", offset + page.Count) : null;
        var json = Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Accounts");
            foreach (var account in page)
            {
                writer.WriteStartObject();
                writer.WriteString("Id", account.Id);
                writer.WriteString("Arn", $"arn:aws:organizations::{ManagementAccountId}:account/{OrganizationId}/{account.Id}");
                writer.WriteString("Email", account.Email);
                writer.WriteString("Name", account.Name);
                writer.WriteString("Status", account.Status);
                writer.WriteString("JoinedMethod", account.Id == ManagementAccountId ? "CREATED" : "INVITED");
                writer.WriteNumber("JoinedTimestamp", account.Joined.ToUnixTimeMilliseconds() / 1000.0);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (next is not null)
            {
                writer.WriteString("NextToken", next);
            }

            writer.WriteEndObject();
        });
        return new Answer(request, 200, "application/x-amz-json-1.1", json, []);
    }

    private Answer DescribeCases(FakeAwsRequest request, string accountId, JsonElement input)
    {
        var language = Text(input, "language") ?? "en";
        var afterText = Text(input, "afterTime");
        request = request with { Language = language, AfterTime = afterText, NextToken = Text(input, "nextToken") };
        if (_withoutSubscription.Contains(accountId))
        {
            return JsonError(request, 400, "SubscriptionRequiredException", "AWS Premium Support Subscription is required to use this service.");
        }

        var maxResults = input.TryGetProperty("maxResults", out var max) && max.ValueKind == JsonValueKind.Number ? max.GetInt32() : 100;
        if (maxResults is < 10 or > 100)
        {
            return JsonError(request, 400, "ValidationException",
                string.Create(CultureInfo.InvariantCulture, $"1 validation error detected: Value '{maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 10 and 100"));
        }

        DateTimeOffset? after = null;
        DateTimeOffset? before = null;
        if (afterText is not null)
        {
            if (!DateTimeOffset.TryParse(afterText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return JsonError(request, 400, "ValidationException", $"Invalid afterTime: {afterText}");
            }

            after = parsed;
        }

        if (Text(input, "beforeTime") is { } beforeText)
        {
            before = DateTimeOffset.Parse(beforeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        }

        var includeResolved = input.TryGetProperty("includeResolvedCases", out var resolved) && resolved.ValueKind == JsonValueKind.True;
        var includeCommunications = !input.TryGetProperty("includeCommunications", out var communications) || communications.ValueKind != JsonValueKind.False;
        var ids = input.TryGetProperty("caseIdList", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal)
            : null;
        var displayId = Text(input, "displayId");
        var matching = _cases
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

        var offset = 0;
        if (request.NextToken is { } token)
        {
            if (Offset(token, "cases-" + accountId) is not { } parsed)
            {
                return JsonError(request, 400, "ValidationException", "Invalid pagination token");
            }

            offset = parsed;
        }

        var page = matching.Skip(offset).Take(Math.Min(CasesPageSize, maxResults)).ToList();
        var next = offset + page.Count < matching.Count ? Token("cases-" + accountId, offset + page.Count) : null;
        var json = Json(writer =>
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
        return new Answer(request, 200, "application/x-amz-json-1.1", json, []);
    }

    /// <summary>The issued credentials a Support request is signed with, if it names any.</summary>
    private IssuedCredentials? MemberOf(Dictionary<string, string> headers)
    {
        if (Authorization().Match(headers.GetValueOrDefault("authorization") ?? "") is not { Success: true } match)
        {
            return null;
        }

        lock (_lock)
        {
            return _issued.GetValueOrDefault(match.Groups["key"].Value);
        }
    }

    /// <summary>Whether the request is signed in the shape SigV4 requires, with the right credentials; the problem if not.</summary>
    private string? CheckSignature(Dictionary<string, string> headers, string service, IssuedCredentials? member)
    {
        var problem = SignatureProblem(headers, service, member);
        if (problem is not null)
        {
            lock (_lock)
            {
                _signatureProblems.Add($"{service}: {problem}");
            }
        }

        return problem;
    }

    private string? SignatureProblem(Dictionary<string, string> headers, string service, IssuedCredentials? member)
    {
        var authorization = headers.GetValueOrDefault("authorization");
        if (authorization is null)
        {
            return "no Authorization header";
        }

        var match = Authorization().Match(authorization);
        if (!match.Success)
        {
            return $"malformed Authorization header: {authorization}";
        }

        var date = headers.GetValueOrDefault("x-amz-date") ?? "";
        if (!AmzDate().IsMatch(date))
        {
            return $"X-Amz-Date missing or not yyyyMMddTHHmmssZ: '{date}'";
        }

        if (match.Groups["date"].Value != date[..8])
        {
            return $"the credential scope's date {match.Groups["date"].Value} is not the X-Amz-Date's {date[..8]}";
        }

        if (match.Groups["region"].Value != Region || match.Groups["service"].Value != service)
        {
            return $"the credential scope is {match.Groups["region"].Value}/{match.Groups["service"].Value}, expected {Region}/{service}";
        }

        var signed = match.Groups["signed"].Value.Split(';');
        var required = new List<string> { "host", "x-amz-date" };
        if (headers.ContainsKey("x-amz-security-token"))
        {
            required.Add("x-amz-security-token");
        }

        if (headers.ContainsKey("x-amz-target"))
        {
            required.Add("x-amz-target");
        }

        if (required.FirstOrDefault(h => !signed.Contains(h)) is { } missing)
        {
            return $"SignedHeaders {match.Groups["signed"].Value} lacks {missing}";
        }

        if (!signed.SequenceEqual(signed.Order(StringComparer.Ordinal)) || signed.Any(h => h.Any(char.IsUpper)))
        {
            return $"SignedHeaders {match.Groups["signed"].Value} are not sorted lower-case names";
        }

        var key = match.Groups["key"].Value;
        var token = headers.GetValueOrDefault("x-amz-security-token");
        if (service == "support")
        {
            if (member is null)
            {
                return $"support call signed with {key}, which AssumeRole never issued";
            }

            if (token != member.SessionToken)
            {
                return $"support call for account {member.AccountId}: X-Amz-Security-Token is {(token is null ? "missing" : "not the one issued with " + key)}";
            }

            return null;
        }

        if (key != FakeAwsEnvironment.AccessKeyId || token is not null)
        {
            return $"{service} call signed with {key}{(token is null ? "" : " and a session token")}, not the base credentials {FakeAwsEnvironment.AccessKeyId}";
        }

        return null;
    }

    private static FakeAwsRequest Request(string service, string operation, string? accountId, Dictionary<string, string> headers)
    {
        var key = Authorization().Match(headers.GetValueOrDefault("authorization") ?? "") is { Success: true } match ? match.Groups["key"].Value : null;
        return new FakeAwsRequest(service, operation, accountId, key, null, null, null, null, headers, "", 0, null);
    }

    private static Answer StsError(FakeAwsRequest request, int status, string code, string message)
    {
        var xml = $"""
            <ErrorResponse xmlns="{StsNamespace}">
              <Error>
                <Type>Sender</Type>
                <Code>{code}</Code>
                <Message>{Xml(message)}</Message>
              </Error>
              <RequestId>{Guid.NewGuid()}</RequestId>
            </ErrorResponse>
            """;
        return new Answer(request with { ErrorCode = code }, status, "text/xml", xml, []);
    }

    private static Answer JsonError(FakeAwsRequest request, int status, string type, string? message, string? errorTypeHeader = null, bool capitalMessage = false)
    {
        var json = Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("__type", type);
            if (message is not null)
            {
                writer.WriteString(capitalMessage ? "Message" : "message", message);
            }

            writer.WriteEndObject();
        });
        var headers = errorTypeHeader is null ? [] : new[] { ("x-amzn-ErrorType", errorTypeHeader) };
        return new Answer(request with { ErrorCode = type[(type.LastIndexOf('#') + 1)..] }, status, "application/x-amz-json-1.1", json, headers);
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string? Text(JsonElement input, string name) =>
        input.ValueKind == JsonValueKind.Object && input.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Token(string kind, int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{kind}:{offset}")));

    private static int? Offset(string token, string kind)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith(kind + ":", StringComparison.Ordinal)
                && int.TryParse(text[(kind.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                ? offset
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Xml(string text) => SecurityElement.Escape(text);

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[A-Z0-9]{16,128})/(?<date>\d{8})/(?<region>[a-z0-9-]+)/(?<service>[a-z0-9-]+)/aws4_request, ?SignedHeaders=(?<signed>[a-z0-9;-]+), ?Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex Authorization();

    [GeneratedRegex(@"^\d{8}T\d{6}Z$")]
    private static partial Regex AmzDate();

    [GeneratedRegex(@"^arn:aws:iam::(\d{12}):role/[\w+=,.@/-]+$")]
    private static partial Regex RoleArn();

    private sealed record FakeAccount(string Id, string Name, string Email, string Status, DateTimeOffset Joined);

    private sealed record IssuedCredentials(string AccountId, string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration);

    private sealed record Answer(FakeAwsRequest Request, int Status, string ContentType, string Body, IReadOnlyList<(string Name, string Value)> Headers);
}
