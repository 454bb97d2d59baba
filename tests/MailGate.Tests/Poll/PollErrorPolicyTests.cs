using System.Text.Json;
using MailGate.Poll;
using MailGate.Poll.Aws;

namespace MailGate.Tests.Poll;

/// <summary>What a failed poll means (the account's state, its description) and when it is logged.</summary>
[TestFixture]
public sealed class PollErrorPolicyTests
{
    [TestCase(AwsOperation.AssumeRole, "AccessDenied", 403, "assume_role_failed")]
    [TestCase(AwsOperation.AssumeRole, "NoCredentials", null, "no_credentials")]
    [TestCase(AwsOperation.ListAccounts, "NoCredentials", null, "no_credentials")]
    [TestCase(AwsOperation.AssumeRole, "Throttling", 400, "assume_role_failed")]
    [TestCase(AwsOperation.AssumeRole, "Timeout", null, "assume_role_failed")]
    [TestCase(AwsOperation.DescribeCases, "SubscriptionRequiredException", 400, "subscription_required")]
    [TestCase(AwsOperation.DescribeCases, "ThrottlingException", 400, "throttled")]
    [TestCase(AwsOperation.DescribeCases, "Http429", 429, "throttled")]
    [TestCase(AwsOperation.ListAccounts, "TooManyRequestsException", 400, "throttled")]
    [TestCase(AwsOperation.DescribeCases, "AccessDeniedException", 400, "access_denied")]
    [TestCase(AwsOperation.ListAccounts, "AccessDenied", 403, "access_denied")]
    [TestCase(AwsOperation.DescribeCases, "InternalServerError", 500, "error")]
    [TestCase(AwsOperation.DescribeCases, "ExpiredTokenException", 403, "error")]
    [TestCase(AwsOperation.DescribeCases, "InvalidResponse", null, "error")]
    [TestCase(AwsOperation.ListAccounts, "Redirected", 302, "error")]
    public void StateOf_AwsError_NamesTheAccountsState(AwsOperation operation, string code, int? status, string expected)
    {
        var error = new AwsException(operation, "111111111111", code, status, "message", attempts: 1);
        Assert.That(PollErrorPolicy.StateOf(error), Is.EqualTo(expected));
    }

    private static IEnumerable<TestCaseData> OtherFailures()
    {
        yield return new TestCaseData(new UnauthorizedAccessException("denied"), "error", "UnauthorizedAccessException: denied").SetName("StateOf_UnexpectedException_IsErrorNamedByType");
        yield return new TestCaseData(new JsonException("bad"), "error", "the cursor file is damaged (bad); fix it, or delete it").SetName("StateOf_DamagedCursor_SaysHowToRecover");
        yield return new TestCaseData(new IOException("disk full"), "error", "disk full").SetName("StateOf_IOException_IsItsMessage");
        yield return new TestCaseData(new HttpRequestException("reset"), "error", "reset").SetName("StateOf_HttpRequestException_IsItsMessage");
        yield return new TestCaseData(new TaskCanceledException("gone"), "error", "timed out").SetName("StateOf_CancelledNotByTheHost_IsATimeout");
        yield return new TestCaseData(
            new AwsException(AwsOperation.DescribeCases, "111111111111", "SubscriptionRequiredException", 400, "AWS Premium Support Subscription is required to use this service."),
            "subscription_required",
            "AWS Support DescribeCases for account 111111111111 failed: SubscriptionRequiredException (HTTP 400): AWS Premium Support Subscription is required to use this service. (the AWS Support API needs a Business, Enterprise On-Ramp or Enterprise support plan on this account)")
            .SetName("Describe_NoSupportPlan_SaysWhichPlanIsNeeded");
        yield return new TestCaseData(
            new AwsException(AwsOperation.AssumeRole, "111111111111", "AccessDenied", 403, "not authorized"),
            "assume_role_failed",
            "AWS STS AssumeRole for account 111111111111 failed: AccessDenied (HTTP 403): not authorized")
            .SetName("Describe_AwsError_IsItsMessage");
    }

    [TestCaseSource(nameof(OtherFailures))]
    public void StateOfAndDescribe_Failure_AreAsAnOperatorNeedsThem(Exception error, string state, string description)
    {
        Assert.That(PollErrorPolicy.StateOf(error), Is.EqualTo(state));
        Assert.That(PollErrorPolicy.Describe(error), Does.StartWith(description));
    }

    [TestCase(false, false, true)] // an exception while running: a failure
    [TestCase(true, false, true)]  // a cancellation not by the host (a timeout): a failure
    [TestCase(true, true, false)]  // the host stopping: not a failure
    [TestCase(false, true, true)]  // any other exception while stopping: still reported
    public void IsFailure_AnythingButTheHostStopping(bool cancelled, bool stopping, bool expected)
    {
        using var host = new CancellationTokenSource();
        if (stopping)
        {
            host.Cancel();
        }

        Exception error = cancelled ? new OperationCanceledException() : new IOException("x");
        Assert.That(PollErrorPolicy.IsFailure(error, host.Token), Is.EqualTo(expected));
    }

    [TestCase(null, "assume_role_failed", true)]
    [TestCase("pending", "assume_role_failed", true)]
    [TestCase("ok", "throttled", true)]
    [TestCase("assume_role_failed", "assume_role_failed", false)]
    [TestCase("assume_role_failed", "subscription_required", true)]
    [TestCase("listing failed: A", "listing failed: A", false)]
    [TestCase("listing failed: A", "listing failed: B", true)]
    public void WarnsAbout_OnlyAChange(string? previous, string current, bool expected) =>
        Assert.That(PollErrorPolicy.WarnsAbout(previous, current), Is.EqualTo(expected));

    [TestCase("ok", false)]
    [TestCase("pending", false)]
    [TestCase("assume_role_failed", true)]
    [TestCase("no_credentials", true)]
    [TestCase("throttled", true)]
    [TestCase("error", true)]
    public void IsRecovery_OnlyAfterAFailure(string previous, bool expected) =>
        Assert.That(PollErrorPolicy.IsRecovery(previous), Is.EqualTo(expected));
}
