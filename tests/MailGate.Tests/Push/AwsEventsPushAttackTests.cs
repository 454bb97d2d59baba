using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MailGate.Core.Storage;
using MailGate.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace MailGate.Tests.Push;

/// <summary>Forged, replayed and hostile pushes against the real endpoint: never a 2xx without a durable store, never a crash, never a page from a forged source.</summary>
public sealed partial class AwsEventsPushTests
{
    private async Task<(HttpStatusCode Status, string Body)> SendRawAsync(string path, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [TestCase("X-MailGate-Key", Key, "X-MailGate-Key", "wrong", TestName = "Key_RightThenWrongDuplicate_401")]
    [TestCase("X-MailGate-Key", "wrong", "X-MailGate-Key", Key, TestName = "Key_WrongThenRightDuplicate_401")]
    [TestCase("X-MailGate-Key", Key, "x-mailgate-key", Key, TestName = "Key_TwiceInTwoCases_401")]
    public async Task DuplicatedKeyHeaders_401_NothingStored(string first, string firstValue, string second, string secondValue)
    {
        var (status, _) = await SendRawAsync("/aws/events", Fixture("eventbridge-risk.json"), (first, firstValue), (second, secondValue));

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(StoredCount(), Is.Zero);
    }

    /// <summary>Two key header lines on the wire (HttpClient would join them into one): Kestrel keeps both values; the right one first must not pass.</summary>
    [Test]
    public async Task Key_TwoHeaderLinesOnTheWire_RightOneFirst_401()
    {
        var body = Encoding.UTF8.GetBytes(Fixture("eventbridge-risk.json"));
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(_gateway.HttpUrl.Host, _gateway.HttpUrl.Port);
        var stream = tcp.GetStream();
        var head = $"POST /aws/events HTTP/1.1\r\nHost: {_gateway.HttpUrl.Authority}\r\nX-MailGate-Key: {Key}\r\nX-MailGate-Key: wrong\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
        using var reader = new StreamReader(stream);
        var statusLine = await reader.ReadLineAsync().WaitAsync(Timeout);

        Assert.That(statusLine, Does.StartWith("HTTP/1.1 401"));
        Assert.That(StoredCount(), Is.Zero);
    }

    [Test]
    public async Task KeyInQueryStringOrAnotherHeader_401_NothingStored()
    {
        var (query, _) = await SendRawAsync($"/aws/events?X-MailGate-Key={Key}&api_key={Key}", Fixture("eventbridge-risk.json"));
        var (authorization, _) = await SendRawAsync("/aws/events", Fixture("eventbridge-risk.json"), ("Authorization", $"Bearer {Key}"));
        var (withSpace, _) = await SendRawAsync("/aws/events", Fixture("eventbridge-risk.json"), ("X-MailGate-Key", Key + " x"));

        Assert.That(new[] { query, authorization, withSpace }, Is.All.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(StoredCount(), Is.Zero);
    }

    [Test]
    public async Task KeyHeaderNameInAnotherCase_IsTheSameHeader_Stored()
    {
        var (status, body) = await SendRawAsync("/aws/events", Fixture("eventbridge-risk.json"), ("x-MAILGATE-key", Key));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(StoredCount(), Is.EqualTo(1));
    }

    [Test]
    public async Task SnsTypeHeader_WithoutASignature_NeverBypassesTheKey()
    {
        var forged = new JsonObject { ["Type"] = "Notification", ["TopicArn"] = Topic, ["Message"] = Fixture("eventbridge-risk.json"), ["Timestamp"] = DateTimeOffset.UtcNow.ToString("O") };

        var (status, _) = await PostAsync(forged.ToJsonString(), key: null, snsType: "Notification");

        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(StoredCount(), Is.Zero);
        Assert.That(_pagerDuty.Requests, Is.Empty);
    }

    [TestCase(-2 * 60, TestName = "Sns_ReplayedTwoHoursLater_Refused")]
    [TestCase(-25 * 60, TestName = "Sns_ReplayedADayLater_Refused")]
    [TestCase(30, TestName = "Sns_StampedInTheFuture_Refused")]
    public async Task Sns_ReplayOrFutureTimestamp_Refused(int minutes)
    {
        var notification = _signer.Notification(Topic, Fixture("eventbridge-risk.json"), CertificateUrl, at: DateTimeOffset.UtcNow.AddMinutes(minutes));

        var (status, answer) = await PostAsync(notification.ToJsonString(), key: null, snsType: "Notification");

        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(answer.GetProperty("reason").GetString(), Does.Contain("Timestamp"));
        Assert.That(StoredCount(), Is.Zero);
    }

    [Test]
    public async Task Sns_CertificateRedirectToAnotherHost_NotFollowed_503()
    {
        await using var elsewhere = await ScriptedHttpServer.StartAsync();
        elsewhere.Respond = context => context.Response.WriteAsync(_signer.Pem);
        _sns.Respond = ScriptedHttpServer.Redirect(302, new Uri(elsewhere.Url, "SimpleNotificationService-test.pem"));

        var (status, _) = await PostAsync(_signer.Notification(Topic, Fixture("eventbridge-risk.json"), CertificateUrl).ToJsonString(), key: null, snsType: "Notification");

        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(elsewhere.Requests, Is.Zero, "the redirect was not followed");
        Assert.That(StoredCount(), Is.Zero);
    }

    [Test]
    public async Task Sns_HugeCertificate_503_NothingStored()
    {
        _sns.Respond = ScriptedHttpServer.HugeBody(200, 64L * 1024 * 1024);

        var (status, _) = await PostAsync(_signer.Notification(Topic, Fixture("eventbridge-risk.json"), CertificateUrl).ToJsonString(), key: null, snsType: "Notification");

        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(StoredCount(), Is.Zero);
    }

    [Test]
    public async Task Sns_SubscribeUrlOnAnotherHost_Refused_NotFetched()
    {
        await using var elsewhere = await ScriptedHttpServer.StartAsync();
        var confirmation = _signer.SubscriptionConfirmation(Topic, new Uri(elsewhere.Url, "internal/admin?delete=all"), CertificateUrl);

        var (status, answer) = await PostAsync(confirmation.ToJsonString(), key: null, snsType: "SubscriptionConfirmation");

        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(answer.GetProperty("reason").GetString(), Does.Contain("SubscribeURL"));
        Assert.That(elsewhere.Requests, Is.Zero);
    }

    /// <summary>Hostile EventBridge bodies with the right key: each is refused (400) or stored (200, then decided), never a 5xx; none pages twice.</summary>
    [TestCase("deep", TestName = "Hostile_DeepNesting")]
    [TestCase("array", TestName = "Hostile_HugeArray")]
    [TestCase("nul", TestName = "Hostile_NulAndBidiInDescription")]
    [TestCase("types", TestName = "Hostile_WrongTypes")]
    [TestCase("typesArn", TestName = "Hostile_ArnAsNumber")]
    [TestCase("detailArray", TestName = "Hostile_DetailAsArray")]
    [TestCase("missing", TestName = "Hostile_MissingFields")]
    [TestCase("longArn", TestName = "Hostile_ArnOf10KB")]
    [TestCase("dupKeys", TestName = "Hostile_DuplicatedJsonProperties")]
    public async Task HostileEvent_NeverA5xx_NeverTwoPages(string kind)
    {
        var body = Hostile(kind);

        var (status, text) = await SendRawAsync("/aws/events", body, ("X-MailGate-Key", Key));
        var (again, _) = await SendRawAsync("/aws/events", body, ("X-MailGate-Key", Key));

        Assert.That((int)status, Is.EqualTo(200).Or.EqualTo(400), text);
        Assert.That(again, Is.EqualTo(status));
        Assert.That(StoredCount(), Is.EqualTo(status == HttpStatusCode.OK ? 1 : 0), "stored once, or not at all");
        foreach (var id in StoredIds())
        {
            Assert.That(await _gateway.WaitFinishedAsync(id), Is.Not.EqualTo(SpoolArea.Active));
        }

        Assert.That(_pagerDuty.Requests.Count(r => r.Status == 202), Is.LessThanOrEqualTo(1));
    }

    private static string Hostile(string kind)
    {
        var e = JsonNode.Parse(Fixture("eventbridge-risk.json"))!;
        var detail = e["detail"]!;
        switch (kind)
        {
            case "deep":
                detail["affectedEntities"] = "DEEP";
                return e.ToJsonString().Replace("\"DEEP\"", new string('[', 5000) + new string(']', 5000), StringComparison.Ordinal);
            case "array":
                detail["affectedEntities"] = new JsonArray([.. Enumerable.Range(0, 20000).Select(_ => (JsonNode?)JsonValue.Create(1))]);
                break;
            case "nul":
                detail["eventDescription"]![1]!["latestDescription"] = "key \u0000 exposed \u202Egnp.exe\u202C in \u200F111122223333";
                break;
            case "types":
                detail["eventTypeCode"] = 42;
                detail["statusCode"] = new JsonArray("open");
                detail["startTime"] = true;
                detail["eventDescription"] = "not a list";
                detail["affectedAccount"] = 111122223333;
                break;
            case "typesArn":
                detail["eventArn"] = 12345;
                break;
            case "detailArray":
                e["detail"] = new JsonArray(1, 2);
                break;
            case "missing":
                e["detail"] = new JsonObject { ["eventArn"] = "arn:aws:health:global::event/RISK/X/X_1" };
                break;
            case "longArn":
                detail["eventArn"] = "arn:aws:health:global::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/" + new string('a', 10 * 1024);
                break;
            case "dupKeys":
                return e.ToJsonString().Replace("\"statusCode\":\"open\"", "\"statusCode\":\"open\",\"statusCode\":\"closed\"", StringComparison.Ordinal);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }

        return e.ToJsonString();
    }
}
