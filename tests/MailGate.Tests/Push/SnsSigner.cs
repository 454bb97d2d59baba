using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace MailGate.Tests.Push;

/// <summary>Plays Amazon SNS in tests: a self-signed RSA certificate and messages signed as SNS signs them (SignatureVersion 1 and 2).</summary>
internal sealed class SnsSigner : IDisposable
{
    private readonly RSA _key = RSA.Create(2048);

    public SnsSigner()
    {
        var request = new CertificateRequest("CN=sns.us-east-1.amazonaws.com", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        Pem = certificate.ExportCertificatePem();
    }

    /// <summary>The certificate, PEM text, as SNS serves it at SigningCertURL.</summary>
    public string Pem { get; }

    /// <summary>A signed <c>Notification</c> carrying <paramref name="message"/>, stamped <paramref name="at"/> (default: now).</summary>
    public JsonObject Notification(string topicArn, string message, Uri certificateUrl, int version = 2, string? subject = null, DateTimeOffset? at = null)
    {
        var body = new JsonObject
        {
            ["Type"] = "Notification",
            ["MessageId"] = Guid.NewGuid().ToString(),
            ["TopicArn"] = topicArn,
            ["Message"] = message,
            ["Timestamp"] = Stamp(at ?? DateTimeOffset.UtcNow),
        };
        if (subject is not null)
        {
            body["Subject"] = subject;
        }

        return Signed(body, ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"], certificateUrl, version);
    }

    /// <summary>A signed <c>SubscriptionConfirmation</c> for <paramref name="topicArn"/> whose SubscribeURL is <paramref name="subscribeUrl"/>.</summary>
    public JsonObject SubscriptionConfirmation(string topicArn, Uri subscribeUrl, Uri certificateUrl) =>
        Signed(
            new JsonObject
            {
                ["Type"] = "SubscriptionConfirmation",
                ["MessageId"] = Guid.NewGuid().ToString(),
                ["Token"] = "2336412f37fb687f5d51e6e2425c464de12884c0",
                ["TopicArn"] = topicArn,
                ["Message"] = $"You have chosen to subscribe to the topic {topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.",
                ["SubscribeURL"] = subscribeUrl.AbsoluteUri,
                ["Timestamp"] = Stamp(DateTimeOffset.UtcNow),
            },
            ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
            certificateUrl,
            2);

    public void Dispose() => _key.Dispose();

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Signs the canonical text (each present field's name and value on lines of their own, in the given order).</summary>
    private JsonObject Signed(JsonObject body, string[] signedFields, Uri certificateUrl, int version)
    {
        var text = new StringBuilder();
        foreach (var field in signedFields.Where(body.ContainsKey))
        {
            text.Append(field).Append('\n').Append((string)body[field]!).Append('\n');
        }

        var signature = _key.SignData(Encoding.UTF8.GetBytes(text.ToString()), version == 1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        body["SignatureVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        body["Signature"] = Convert.ToBase64String(signature);
        body["SigningCertURL"] = certificateUrl.AbsoluteUri;
        return body;
    }
}
