using MailGate.HealthEvents;
using MailGate.Hosting;
using MailGate.Poll;
using MailGate.Poll.Aws;
using MailGate.Tests.Support;

namespace MailGate.Tests.HealthEvents;

/// <summary><c>Health:*</c> validated at start-up, naming the setting; failures classified by the AWS error code before any message text.</summary>
[TestFixture]
public sealed class HealthHardeningTests
{
    private static HealthOptions Valid() => new() { Enabled = true };

    [TestCase("PollInterval", "00:00:00", "Health:PollInterval must be between")]
    [TestCase("PollInterval", "-00:01:00", "Health:PollInterval must be between")]
    [TestCase("PollInterval", "60.00:00:00", "Health:PollInterval must be between")]
    [TestCase("Overlap", "-00:00:01", "Health:Overlap must be between")]
    [TestCase("InitialLookback", "00:00:00", "Health:InitialLookback must be between")]
    [TestCase("Region", "", "Health:Region must be an AWS region")]
    [TestCase("Region", "us-east-1/../x", "Health:Region must be an AWS region")]
    [TestCase("Endpoint", "http://health.us-east-1.amazonaws.com/", "Health:Endpoint must be https")]
    [TestCase("Endpoint", "ftp://health.example/", "Health:Endpoint must be https")]
    [TestCase("Endpoint", "https://user:pw@health.us-east-1.amazonaws.com/", "Health:Endpoint must have no user info")]
    [TestCase("Endpoint", "https://health.us-east-1.amazonaws.com/?x=1", "Health:Endpoint must have no user info")]
    [TestCase("Services", "", "Health:Services: '' is not a Health code")]
    [TestCase("Services", "risk", "Health:Services: 'risk' is not a Health code")]
    [TestCase("EventTypeCodes", " AWS_RISK_X", "Health:EventTypeCodes: ' AWS_RISK_X' is not a Health code")]
    public void BadSetting_FailsNamingIt(string setting, string value, string expected)
    {
        var options = Valid();
        switch (setting)
        {
            case "Region": options.Region = value; break;
            case "Endpoint": options.Endpoint = new Uri(value); break;
            case "Services": options.Services.Add(value); break;
            case "EventTypeCodes": options.EventTypeCodes.Add(value); break;
            default: typeof(HealthOptions).GetProperty(setting)!.SetValue(options, TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)); break;
        }

        var result = new HealthOptionsValidator().Validate(null, options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain(expected));
    }

    [Test]
    public void Defaults_AndLoopbackHttp_AndDisabled_AreValid()
    {
        var loopback = Valid();
        loopback.Endpoint = new Uri("http://127.0.0.1:4566/");
        var disabled = new HealthOptions { PollInterval = TimeSpan.Zero };

        Assert.That(new[] { Valid(), loopback, disabled }.Select(o => new HealthOptionsValidator().Validate(null, o).Succeeded), Is.All.True);
    }

    [Test]
    public async Task Startup_WithANegativeInterval_FailsNamingTheSetting()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var spool = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var app = MailGateHost.Build(
                ["--Smtp:Port=0", "--Http:Url=http://127.0.0.1:0", $"--Spool:Path={spool}", $"--PagerDuty:EventsUrl={pagerDuty.EventsUrl}", "--Trust:Verify=false",
                 "--Health:Enabled=true", "--Health:PollInterval=-00:00:05", "--Health:Endpoint=http://evil.example/"]);
            Assert.That(() => MailGateHost.Prepare(app), Throws.Exception.With.Message.Contains("Health:PollInterval must be between").And.Message.Contains("Health:Endpoint must be https"));
        }
        finally
        {
            if (Directory.Exists(spool))
            {
                Directory.Delete(spool, recursive: true);
            }
        }
    }

    [TestCase("AWSOrganizationsNotInUseException", "anything", HealthPollStatus.OrganizationViewNotEnabled)]
    [TestCase("ValidationException", "The organizational view is not enabled", HealthPollStatus.OrganizationViewNotEnabled)]
    [TestCase("ConflictException", "Call EnableHealthServiceAccessForOrganization first", HealthPollStatus.OrganizationViewNotEnabled)]
    [TestCase("AccessDeniedException", "not authorized to use the organizational view", PollErrorPolicy.AccessDenied)]
    [TestCase("SubscriptionRequiredException", "organizational view needs a plan", PollErrorPolicy.SubscriptionRequired)]
    [TestCase("ThrottlingException", "organizational view: rate exceeded", PollErrorPolicy.Throttled)]
    [TestCase("InternalFailure", "organizational view backend failed", PollErrorPolicy.Error)]
    [TestCase("ValidationException", "maxResults must be at most 100", PollErrorPolicy.Error)]
    public void StateOf_ByTheErrorCodeFirst(string code, string message, string state)
    {
        var failure = new AwsException(AwsOperation.DescribeEventsForOrganization, null, code, 400, message);

        Assert.That(HealthPollStatus.StateOf(failure), Is.EqualTo(state));
    }
}
