using System.Text.Json;

namespace MailGate.Tests.Support.Aws;

/// <summary>
/// One AWS service <see cref="FakeAws"/> serves over the JSON 1.1 protocol (<c>POST /</c>,
/// <c>X-Amz-Target: {prefix}.{Operation}</c>). The host checks the signature, the content type, the
/// JSON, expired credentials and queued faults; the service answers what is left.
/// </summary>
internal interface IFakeAwsJsonService
{
    /// <summary>The <c>X-Amz-Target</c> prefix, e.g. <c>AWSSupport_20130415</c>.</summary>
    string TargetPrefix { get; }

    /// <summary>The SigV4 signing name, e.g. <c>support</c>.</summary>
    string SigningName { get; }

    /// <summary>Whether calls are made in a member account with the credentials STS issued (Support), rather than with the base credentials (Organizations).</summary>
    bool SignedByMember { get; }

    /// <summary>Answers <paramref name="operation"/>; <paramref name="request"/> names the member account when <see cref="SignedByMember"/>.</summary>
    FakeAwsAnswer Answer(FakeAwsRequest request, string operation, JsonElement input);

    /// <summary>How this service says <paramref name="fault"/> (its own throttling code and message, its own 500).</summary>
    FakeAwsAnswer Fault(FakeAwsRequest request, FakeAwsFault fault);
}

/// <summary>A failure <see cref="FakeAws"/> answers the next JSON call with, whatever the service.</summary>
internal enum FakeAwsFault
{
    /// <summary>400 with the service's throttling error.</summary>
    Throttling,

    /// <summary>500 with the service's internal error.</summary>
    ServerError,
}
