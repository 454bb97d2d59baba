using System.Net;
using MailGate.Poll.Aws;

namespace MailGate.Tests.Poll.Aws;

[TestFixture]
public sealed class AwsErrorsTests
{
    [TestCase(400, """{"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded"}""", null, "ThrottlingException", "Rate exceeded")]
    [TestCase(400, """{"__type":"TooManyRequestsException","Message":"Try again later."}""", null, "TooManyRequestsException", "Try again later.")]
    [TestCase(400, """{"__type":"SubscriptionRequiredException","message":"AWS Premium Support Subscription is required to use this service."}""", null, "SubscriptionRequiredException", "AWS Premium Support Subscription is required to use this service.")]
    [TestCase(400, """{"message":"no type"}""", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/", "ThrottlingException", "no type")]
    [TestCase(403, """{"__type":"AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/","Message":"denied"}""", null, "AccessDeniedException", "denied")]
    [TestCase(503, "<html>Service Unavailable</html>", null, "Http503", "<html>Service Unavailable</html>")]
    [TestCase(500, "", null, "Http500", null)]
    public void ParseJsonError_Answer_YieldsCodeAndMessage(int status, string body, string? header, string code, string? message)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        if (header is not null)
        {
            response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", header);
        }

        var (actualCode, actualMessage) = AwsErrors.ParseJsonError(status, response.Headers, body);

        Assert.That((actualCode, actualMessage), Is.EqualTo((code, message)));
    }

    [TestCase("ThrottlingException", 400, true)]
    [TestCase("TooManyRequestsException", 400, true)]
    [TestCase("RequestLimitExceeded", 400, true)]
    [TestCase("Http429", 429, true)]
    [TestCase("InternalServerError", 500, true)]
    [TestCase("Http502", 502, true)]
    [TestCase("NetworkError", null, true)]
    [TestCase("Timeout", null, true)]
    [TestCase("AccessDenied", 403, false)]
    [TestCase("SubscriptionRequiredException", 400, false)]
    [TestCase("ValidationException", 400, false)]
    [TestCase("CaseIdNotFound", 400, false)]
    [TestCase("NoCredentials", null, false)]
    public void IsRetryable_Error_OnlyTransientOnes(string code, int? status, bool retryable) =>
        Assert.That(AwsErrors.IsRetryable(code, status), Is.EqualTo(retryable));
}
