using System.Globalization;
using System.Security;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace MailGate.Tests.Support.Aws;

/// <summary>
/// STS in <see cref="FakeAws"/>: <c>AssumeRole</c> over the query protocol (form body, XML answer), signed
/// with the base credentials, issuing temporary credentials per member account into <see cref="FakeAwsCredentials"/>.
/// </summary>
public sealed partial class FakeSts
{
    private const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    private readonly FakeAwsCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _denied = new(StringComparer.Ordinal);
    private readonly List<string?> _externalIds = [];

    internal FakeSts(FakeAwsCredentials credentials, TimeProvider time)
    {
        _credentials = credentials;
        _time = time;
    }

    /// <summary>How long issued credentials last; <see langword="null"/>: the <c>DurationSeconds</c> asked for.</summary>
    public TimeSpan? CredentialLifetime { get; set; }

    /// <summary>The ExternalId of every AssumeRole request answered, in order (<see langword="null"/> when none was sent).</summary>
    public IReadOnlyList<string?> ExternalIds
    {
        get
        {
            lock (_lock)
            {
                return [.. _externalIds];
            }
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

    /// <summary>AssumeRole into <paramref name="accountId"/>'s role works again (after <see cref="DenyAssumeRole"/>).</summary>
    public void AllowAssumeRole(string accountId)
    {
        lock (_lock)
        {
            _denied.Remove(accountId);
        }
    }

    /// <summary>Every credential issued so far for <paramref name="accountId"/> is answered 403 ExpiredTokenException from now on.</summary>
    public void ExpireCredentials(string accountId) => _credentials.Revoke(accountId);

    /// <summary>The request as the log keeps it: the action, the role's account and the ExternalId.</summary>
    internal static FakeAwsRequest Describe(FakeAwsRequest request, IReadOnlyDictionary<string, StringValues> form)
    {
        var action = Field(form, "Action");
        var match = RoleArn().Match(Field(form, "RoleArn"));
        return request with
        {
            Operation = action.Length > 0 ? action : "(none)",
            AccountId = match.Success ? match.Groups[1].Value : null,
            ExternalId = form.TryGetValue("ExternalId", out var id) ? id.ToString() : null,
        };
    }

    /// <summary>Answers a well-signed request described by <see cref="Describe"/>.</summary>
    internal FakeAwsAnswer Answer(FakeAwsRequest request, IReadOnlyDictionary<string, StringValues> form)
    {
        var roleArn = Field(form, "RoleArn");
        if (request.Operation != "AssumeRole" || Field(form, "Version") != "2011-06-15")
        {
            return Error(request, 400, "InvalidAction", $"Could not find operation {request.Operation} for version {Field(form, "Version")}");
        }

        if (request.AccountId is not { } accountId || Field(form, "RoleSessionName").Length < 2)
        {
            return Error(request, 400, "ValidationError", $"1 validation error detected: Value '{roleArn}' at 'roleArn' failed to satisfy constraint");
        }

        lock (_lock)
        {
            _externalIds.Add(request.ExternalId);
            if (_denied.Contains(accountId))
            {
                return Error(request, 403, "AccessDenied",
                    $"User: arn:aws:iam::{FakeAws.ManagementAccountId}:user/mailgate is not authorized to perform: sts:AssumeRole on resource: {roleArn}");
            }
        }

        var duration = int.TryParse(Field(form, "DurationSeconds"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : 3600;
        var issued = _credentials.Issue(accountId, _time.GetUtcNow() + (CredentialLifetime ?? TimeSpan.FromSeconds(duration)));
        var session = Field(form, "RoleSessionName");
        var xml = $"""
            <AssumeRoleResponse xmlns="{Namespace}">
              <AssumeRoleResult>
                <AssumedRoleUser>
                  <Arn>arn:aws:sts::{accountId}:assumed-role/{Xml(roleArn[(roleArn.LastIndexOf('/') + 1)..])}/{Xml(session)}</Arn>
                  <AssumedRoleId>AROAFAKE{accountId}:{Xml(session)}</AssumedRoleId>
                </AssumedRoleUser>
                <Credentials>
                  <AccessKeyId>{issued.AccessKeyId}</AccessKeyId>
                  <SecretAccessKey>{Xml(issued.SecretAccessKey)}</SecretAccessKey>
                  <SessionToken>{Xml(issued.SessionToken)}</SessionToken>
                  <Expiration>{issued.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}</Expiration>
                </Credentials>
                <PackedPolicySize>6</PackedPolicySize>
              </AssumeRoleResult>
              <ResponseMetadata>
                <RequestId>{Guid.NewGuid()}</RequestId>
              </ResponseMetadata>
            </AssumeRoleResponse>
            """;
        return new FakeAwsAnswer(request, 200, "text/xml", xml, []);
    }

    /// <summary>An STS error answer (XML).</summary>
    internal static FakeAwsAnswer Error(FakeAwsRequest request, int status, string code, string message)
    {
        var xml = $"""
            <ErrorResponse xmlns="{Namespace}">
              <Error>
                <Type>Sender</Type>
                <Code>{code}</Code>
                <Message>{Xml(message)}</Message>
              </Error>
              <RequestId>{Guid.NewGuid()}</RequestId>
            </ErrorResponse>
            """;
        return new FakeAwsAnswer(request with { ErrorCode = code }, status, "text/xml", xml, []);
    }

    private static string Field(IReadOnlyDictionary<string, StringValues> form, string name) =>
        form.TryGetValue(name, out var value) ? value.ToString() : "";

    private static string Xml(string text) => SecurityElement.Escape(text);

    [GeneratedRegex(@"^arn:aws:iam::(\d{12}):role/[\w+=,.@/-]+$")]
    private static partial Regex RoleArn();
}
