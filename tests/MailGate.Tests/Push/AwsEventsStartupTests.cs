using System.Net;
using MailGate.Hosting;
using MailGate.Tests.Support;

namespace MailGate.Tests.Push;

/// <summary><c>AwsEvents:*</c> at start-up: off by default (no endpoint), and enabled without a key refused, naming the setting.</summary>
[TestFixture]
public sealed class AwsEventsStartupTests
{
    [Test]
    public async Task Disabled_ByDefault_NoEndpoint()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        try
        {
            using var http = new HttpClient { BaseAddress = gateway.HttpUrl, Timeout = TimeSpan.FromSeconds(10) };
            using var response = await http.PostAsync(new Uri("/aws/events", UriKind.Relative), new StringContent("{}"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
        finally
        {
            gateway.DeleteFolder();
        }
    }

    [TestCase("", "AwsEvents:ApiKey must be set")]
    [TestCase("--AwsEvents:ApiKeyFile=/nonexistent/mailgate-key", "AwsEvents:ApiKeyFile: '/nonexistent/mailgate-key' cannot be read")]
    [TestCase("--AwsEvents:SnsCertificateUrlPattern=(", "AwsEvents:SnsCertificateUrlPattern is not a regular expression")]
    public async Task Enabled_WithoutAUsableSetting_StartupFailsNamingIt(string setting, string expected)
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var spool = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        string[] args = ["--Smtp:Port=0", "--Http:Url=http://127.0.0.1:0", $"--Spool:Path={spool}", $"--PagerDuty:EventsUrl={pagerDuty.EventsUrl}", "--Trust:Verify=false", "--AwsEvents:Enabled=true"];
        if (setting.Length > 0)
        {
            args = [.. args, setting];
        }

        try
        {
            await using var app = MailGateHost.Build(args);
            Assert.That(() => MailGateHost.Prepare(app), Throws.Exception.With.Message.Contains(expected));
        }
        finally
        {
            if (Directory.Exists(spool))
            {
                Directory.Delete(spool, recursive: true);
            }
        }
    }
}
