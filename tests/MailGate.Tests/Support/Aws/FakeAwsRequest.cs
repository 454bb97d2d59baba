namespace MailGate.Tests.Support.Aws;

/// <summary>A request <see cref="FakeAws"/> answered, as its request log keeps it.</summary>
/// <param name="Service">The signing name it was meant for: <c>sts</c>, <c>organizations</c> or <c>support</c>.</param>
/// <param name="Operation"><c>AssumeRole</c>, <c>ListAccounts</c>, <c>DescribeCases</c>, or what the request named.</param>
/// <param name="AccountId">The member account: the role's for AssumeRole, the credentials' for Support; <see langword="null"/> otherwise.</param>
/// <param name="AccessKeyId">The access key id of the signature.</param>
/// <param name="Language">DescribeCases' <c>language</c>.</param>
/// <param name="AfterTime">DescribeCases' <c>afterTime</c>, as sent.</param>
/// <param name="NextToken">The page token sent (<c>nextToken</c> or <c>NextToken</c>).</param>
/// <param name="ExternalId">AssumeRole's <c>ExternalId</c>.</param>
/// <param name="Headers">The request headers (names lower-case, values joined with a comma).</param>
/// <param name="Body">The request body.</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="ErrorCode">The error answered, if any.</param>
public sealed record FakeAwsRequest(
    string Service,
    string Operation,
    string? AccountId,
    string? AccessKeyId,
    string? Language,
    string? AfterTime,
    string? NextToken,
    string? ExternalId,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    int Status,
    string? ErrorCode);
