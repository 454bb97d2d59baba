using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace MailGate.Tests.Support.Aws;

/// <summary>
/// A fake AWS served over real HTTP on 127.0.0.1 (a free port), every service at <see cref="Url"/>:
/// <see cref="Sts"/> (query protocol, XML), <see cref="Organizations"/> and <see cref="Support"/> (JSON 1.1).
/// The host keeps the request log, checks every signature's SigV4 shape and signer (<see cref="FakeSigV4"/>:
/// base credentials of <see cref="FakeAwsCredentialSource.Base"/> for STS and Organizations, the
/// credentials STS issued for the account, with their session token, for Support), refuses expired
/// credentials with 403 ExpiredTokenException as AWS does, and plays queued faults; the services answer
/// the rest. Anything badly signed is answered 403 and recorded in <see cref="SignatureProblems"/>.
/// Nothing here touches the process environment: MailGate gets the base credentials through
/// <see cref="FakeAwsCredentialSource.Register"/>.
/// </summary>
/// <example>
/// <code>
/// await using var aws = await FakeAws.StartAsync(time);
/// aws.Organizations.AddAccount("111111111111", "prod", "aws-prod@example.com");
/// var c = aws.Support.AddCase("111111111111", new FakeCase { Subject = "Your AWS Access Key is Exposed" });
/// aws.Throttle(2);                               // the next two Organizations/Support calls: 400 throttling
/// // configure MailGate with aws.Settings, and FakeAwsCredentialSource.Register(services)
/// Assert.That(aws.SignatureProblems, Is.Empty);
/// </code>
/// </example>
public sealed class FakeAws : IAsyncDisposable
{
    /// <summary>The management account: the one whose base credentials call Organizations and STS.</summary>
    public const string ManagementAccountId = "999999999999";

    private readonly WebApplication _app;
    private readonly FakeAwsCredentials _credentials;
    private readonly IReadOnlyList<IFakeAwsJsonService> _jsonServices;
    private readonly Lock _lock = new();
    private readonly Queue<FakeAwsFault> _faults = new();
    private readonly List<FakeAwsRequest> _requests = [];
    private readonly List<string> _signatureProblems = [];

    private FakeAws(WebApplication app, TimeProvider time)
    {
        _app = app;
        _credentials = new FakeAwsCredentials(time);
        Sts = new FakeSts(_credentials, time);
        Organizations = new FakeOrganizations(time);
        Support = new FakeSupport(time);
        Health = new FakeHealth(time);
        _jsonServices = [Organizations, Support, Health];
    }

    /// <summary>STS: AssumeRole into each member account's role.</summary>
    public FakeSts Sts { get; }

    /// <summary>AWS Organizations: the accounts.</summary>
    public FakeOrganizations Organizations { get; }

    /// <summary>AWS Support: each account's cases.</summary>
    public FakeSupport Support { get; }

    /// <summary>AWS Health: the organizational view's events.</summary>
    public FakeHealth Health { get; }

    /// <summary>The one endpoint of every service (ends with <c>/</c>).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The configuration that points MailGate's AWS clients at this fake.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Aws:StsEndpoint"] = Url.ToString(),
        ["Aws:OrganizationsEndpoint"] = Url.ToString(),
        ["Aws:SupportEndpoint"] = Url.ToString(),
        ["Health:Endpoint"] = Url.ToString(),
    };

    /// <summary>The region every signature's scope must name.</summary>
    public string Region { get; set; } = "us-east-1";

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

    /// <summary>The requests of one operation.</summary>
    public IReadOnlyList<FakeAwsRequest> RequestsOf(string operation) => Requests.Where(r => r.Operation == operation).ToArray();

    /// <summary>Starts the fake; <paramref name="time"/> dates issued credentials, accounts and new cases (the system clock by default).</summary>
    public static async Task<FakeAws> StartAsync(TimeProvider? time = null)
    {
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

    /// <summary>The next <paramref name="count"/> JSON calls (Organizations, Support) are answered 400 throttling, in each service's words.</summary>
    public void Throttle(int count) => Enqueue(FakeAwsFault.Throttling, count);

    /// <summary>The next <paramref name="count"/> JSON calls (Organizations, Support) are answered 500.</summary>
    public void FailWithServerError(int count) => Enqueue(FakeAwsFault.ServerError, count);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Enqueue(FakeAwsFault fault, int count)
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
        var request = new FakeAwsRequest("sts", "", null, FakeSigV4.AccessKeyOf(headers), null, null, null, null, headers, body, 0, null);
        var answer = headers.TryGetValue("x-amz-target", out var target) ? AnswerJson(request, target, body) : AnswerSts(request, body);
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

    private FakeAwsAnswer AnswerSts(FakeAwsRequest request, string body)
    {
        var form = QueryHelpers.ParseQuery(body);
        request = FakeSts.Describe(request, form);
        return CheckSignature(request, "sts", signedByMember: false, member: null) is { } problem
            ? FakeSts.Error(request, 403, "IncompleteSignature", problem)
            : Sts.Answer(request, form);
    }

    private FakeAwsAnswer AnswerJson(FakeAwsRequest request, string target, string body)
    {
        var dot = target.IndexOf('.', StringComparison.Ordinal);
        var (prefix, operation) = dot < 0 ? (target, "") : (target[..dot], target[(dot + 1)..]);
        var service = _jsonServices.FirstOrDefault(s => s.TargetPrefix == prefix);
        var member = service is { SignedByMember: true } ? _credentials.Find(request.AccessKeyId) : null;
        request = request with { Service = service?.SigningName ?? "unknown", Operation = operation, AccountId = member?.AccountId };
        if (service is null)
        {
            return FakeAwsAnswer.JsonError(request, 400, "UnknownOperationException", null);
        }

        if (CheckSignature(request, service.SigningName, service.SignedByMember, member) is { } problem)
        {
            return FakeAwsAnswer.JsonError(request, 403, "IncompleteSignatureException", problem);
        }

        if (request.Headers.GetValueOrDefault("content-type") != FakeAwsAnswer.JsonContentType)
        {
            return FakeAwsAnswer.JsonError(request, 400, "SerializationException", "Content-Type must be application/x-amz-json-1.1");
        }

        JsonElement input;
        try
        {
            using var json = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
            input = json.RootElement.Clone();
        }
        catch (JsonException)
        {
            return FakeAwsAnswer.JsonError(request, 400, "SerializationException", "Start of structure or map found where not expected.");
        }

        if (member is not null && _credentials.IsExpired(member))
        {
            return FakeAwsAnswer.JsonError(request, 403, "ExpiredTokenException", "The security token included in the request is expired");
        }

        FakeAwsFault? fault;
        lock (_lock)
        {
            fault = _faults.TryDequeue(out var next) ? next : null;
        }

        return fault is { } due ? service.Fault(request, due) : service.Answer(request, operation, input);
    }

    /// <summary>The request's signature problem, recorded; null when it is signed as <paramref name="service"/> requires.</summary>
    private string? CheckSignature(FakeAwsRequest request, string service, bool signedByMember, FakeIssuedCredentials? member)
    {
        var problem = FakeSigV4.Problem(request.Headers, service, Region, signedByMember, member);
        if (problem is not null)
        {
            lock (_lock)
            {
                _signatureProblems.Add($"{service}: {problem}");
            }
        }

        return problem;
    }
}
