using System.Text.RegularExpressions;

namespace MailGate.Tests.Support.Aws;

/// <summary>
/// The shape of a SigV4 signature as AWS checks it before anything else (the fake cannot check the HMAC,
/// which the SigV4 test vectors do): the Authorization header, the date and its scope, the signed
/// headers, and whose credentials signed.
/// </summary>
internal static partial class FakeSigV4
{
    /// <summary>The access key id of the request's Authorization header; null when it has none in SigV4 form.</summary>
    public static string? AccessKeyOf(IReadOnlyDictionary<string, string> headers) =>
        Authorization().Match(headers.GetValueOrDefault("authorization") ?? "") is { Success: true } match ? match.Groups["key"].Value : null;

    /// <summary>
    /// What is wrong with the request's signature for <paramref name="service"/> in <paramref name="region"/>;
    /// null when it is well formed and signed as it must be: with <paramref name="member"/>'s credentials and
    /// session token when the service is called in a member account, else with the base credentials and no token.
    /// </summary>
    public static string? Problem(IReadOnlyDictionary<string, string> headers, string service, string region, bool signedByMember, FakeIssuedCredentials? member)
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

        if (match.Groups["region"].Value != region || match.Groups["service"].Value != service)
        {
            return $"the credential scope is {match.Groups["region"].Value}/{match.Groups["service"].Value}, expected {region}/{service}";
        }

        return SignedHeadersProblem(headers, match.Groups["signed"].Value)
            ?? SignerProblem(headers, service, match.Groups["key"].Value, signedByMember, member);
    }

    private static string? SignedHeadersProblem(IReadOnlyDictionary<string, string> headers, string signedHeaders)
    {
        var signed = signedHeaders.Split(';');
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
            return $"SignedHeaders {signedHeaders} lacks {missing}";
        }

        return !signed.SequenceEqual(signed.Order(StringComparer.Ordinal)) || signed.Any(h => h.Any(char.IsUpper))
            ? $"SignedHeaders {signedHeaders} are not sorted lower-case names"
            : null;
    }

    private static string? SignerProblem(IReadOnlyDictionary<string, string> headers, string service, string key, bool signedByMember, FakeIssuedCredentials? member)
    {
        var token = headers.GetValueOrDefault("x-amz-security-token");
        if (signedByMember)
        {
            return member is null ? $"{service} call signed with {key}, which AssumeRole never issued"
                : token != member.SessionToken ? $"{service} call for account {member.AccountId}: X-Amz-Security-Token is {(token is null ? "missing" : "not the one issued with " + key)}"
                : null;
        }

        return key != FakeAwsCredentialSource.BaseAccessKeyId || token is not null
            ? $"{service} call signed with {key}{(token is null ? "" : " and a session token")}, not the base credentials {FakeAwsCredentialSource.BaseAccessKeyId}"
            : null;
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[A-Z0-9]{16,128})/(?<date>\d{8})/(?<region>[a-z0-9-]+)/(?<service>[a-z0-9-]+)/aws4_request, ?SignedHeaders=(?<signed>[a-z0-9;-]+), ?Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex Authorization();

    [GeneratedRegex(@"^\d{8}T\d{6}Z$")]
    private static partial Regex AmzDate();
}
