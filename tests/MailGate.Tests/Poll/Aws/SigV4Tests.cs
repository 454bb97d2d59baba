using System.Net.Http.Headers;
using System.Text;
using MailGate.Poll.Aws;

namespace MailGate.Tests.Poll.Aws;

/// <summary>
/// <see cref="SigV4"/> against AWS's published Signature Version 4 test suite, not against itself.
/// Expected values are copied from the suite as awslabs/aws-c-auth ships it:
/// tests/aws-signing-test-suite/v4/{name}/header-canonical-request.txt and header-signed-request.txt,
/// commit 495329c2433034bd8fd53fc6ba9e0202d3fac876 (the suite's "aws-sig-v4-test-suite" cases).
/// </summary>
[TestFixture]
public sealed class SigV4Tests
{
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string SuiteToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    private static readonly AwsCredentials Suite = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static readonly DateTimeOffset SignedAt = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    [Test]
    public void Sign_GetVanilla_MatchesSuite() => AssertVector(
        new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/"),
        "",
        Suite,
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

    [Test]
    public void Sign_GetVanillaQueryOrderKeyCase_SortsParameters() => AssertVector(
        new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/?Param2=value2&Param1=value1"),
        "",
        Suite,
        "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");

    [Test]
    public void Sign_PostVanilla_MatchesSuite() => AssertVector(
        new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/"),
        "",
        Suite,
        "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");

    [Test]
    public void Sign_PostXWwwFormUrlencoded_SignsBodyAndContentHeaders()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("Param1=value1"));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Content.Headers.ContentLength = 13;
        const string bodyHash = "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e";
        AssertVector(
            request,
            "Param1=value1",
            Suite,
            "POST\n/\n\ncontent-length:13\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n" +
            $"x-amz-content-sha256:{bodyHash}\nx-amz-date:20150830T123600Z\n\n" +
            $"content-length;content-type;host;x-amz-content-sha256;x-amz-date\n{bodyHash}",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b",
            addContentSha256: true);
    }

    [Test]
    public void Sign_GetHeaderValueTrim_TrimsAndCollapsesSpaces()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");
        request.Headers.TryAddWithoutValidation("My-Header1", " value1");
        request.Headers.TryAddWithoutValidation("My-Header2", "\"a   b   c\"");
        AssertVector(
            request,
            "",
            Suite,
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\n" +
            "host;my-header1;my-header2;x-amz-date\n" + EmptyHash,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
    }

    [Test]
    public void Sign_PostStsHeaderBefore_SignsSessionToken()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");
        AssertVector(
            request,
            "",
            Suite with { SessionToken = SuiteToken },
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n" +
            $"x-amz-security-token:{SuiteToken}\n\nhost;x-amz-date;x-amz-security-token\n" + EmptyHash,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
        Assert.That(request.Headers.GetValues("X-Amz-Security-Token"), Is.EqualTo(new[] { SuiteToken }));
    }

    [Test]
    public void Sign_NonDefaultPort_SignsHostWithPort()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:49152/");
        SigV4.Sign(request, [], Suite, "us-east-1", "support", SignedAt);
        var (canonical, _) = SigV4.CanonicalRequest(request, EmptyHash);
        Assert.That(canonical, Does.Contain("\nhost:127.0.0.1:49152\n"));
    }

    private static void AssertVector(
        HttpRequestMessage request,
        string body,
        AwsCredentials credentials,
        string canonicalRequest,
        string authorization,
        bool addContentSha256 = false)
    {
        using (request)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            SigV4.Sign(request, bytes, credentials, "us-east-1", "service", SignedAt, addContentSha256);
            var payloadHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            Assert.Multiple(() =>
            {
                Assert.That(SigV4.CanonicalRequest(request, payloadHash).CanonicalRequest, Is.EqualTo(canonicalRequest));
                Assert.That(request.Headers.GetValues("Authorization").Single(), Is.EqualTo(authorization));
                Assert.That(request.Headers.GetValues("X-Amz-Date").Single(), Is.EqualTo("20150830T123600Z"));
            });
        }
    }
}
