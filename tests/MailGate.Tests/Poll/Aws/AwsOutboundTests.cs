using MailGate.Poll.Aws;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Poll.Aws;

/// <summary>
/// The AWS JSON client, as registered, against an endpoint that misbehaves over real HTTP on loopback:
/// signed requests never follow a redirect, answers are bounded, and error text never carries the secret.
/// </summary>
[TestFixture]
public sealed class AwsOutboundTests
{
    private ScriptedHttpServer _endpoint = null!;
    private ScriptedHttpServer _elsewhere = null!;
    private ServiceProvider _services = null!;
    private DrivenTime _time = null!;
    private ByteCountingHandler _counter = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _endpoint = await ScriptedHttpServer.StartAsync();
        _elsewhere = await ScriptedHttpServer.StartAsync();
        _time = new DrivenTime(AwsServices.Start);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aws:OrganizationsEndpoint"] = _endpoint.Url.ToString(),
            ["Aws:RetryBaseDelay"] = "00:00:00.5",
            ["Aws:RetryMaxDelay"] = "00:00:30",
            ["Aws:RequestTimeout"] = "00:00:30",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSingleton<TimeProvider>(_time).AddLogging();
        services.AddAwsClients();
        FakeAwsCredentialSource.Register(services);
        _counter = new ByteCountingHandler();
        services.AddHttpClient(AwsJsonClient.HttpClientName).AddHttpMessageHandler(() => _counter);
        _services = services.BuildServiceProvider();
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _services.DisposeAsync();
        _counter.Dispose();
        await _endpoint.DisposeAsync();
        await _elsewhere.DisposeAsync();
    }

    private Task<IReadOnlyList<AwsAccount>> ListAsync() =>
        _time.RunAsync(_services.GetRequiredService<OrganizationsClient>().ListActiveAccountsAsync(CancellationToken.None));

    [TestCase(301)]
    [TestCase(302)]
    [TestCase(307)]
    [TestCase(308)]
    public void Call_Redirect_IsNotFollowedAndFails(int status)
    {
        _endpoint.Respond = ScriptedHttpServer.Redirect(status, _elsewhere.Url);

        var error = Assert.ThrowsAsync<AwsException>(ListAsync)!;

        Assert.Multiple(() =>
        {
            Assert.That(_elsewhere.Requests, Is.Zero, "the signed request and its credentials went nowhere else");
            Assert.That(_endpoint.Requests, Is.EqualTo(1), "a redirect is final, not retried");
            Assert.That(error.ErrorCode, Is.EqualTo("Redirected"));
            Assert.That(error.AwsMessage, Does.Contain($"redirect to {_elsewhere.Url.GetLeftPart(UriPartial.Authority)} not followed"));
        });
    }

    [Test]
    public void Call_AnswerOverTheBound_IsAnErrorAndIsNotReadToTheEnd()
    {
        var size = AwsJsonClient.MaxResponseBytes + 128L * 1024 * 1024;
        _endpoint.Respond = ScriptedHttpServer.HugeBody(200, size);

        var error = Assert.ThrowsAsync<AwsException>(ListAsync)!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ErrorCode, Is.EqualTo("ResponseTooLarge"));
            Assert.That(_counter.BytesRead, Is.InRange(AwsJsonClient.MaxResponseBytes, AwsJsonClient.MaxResponseBytes + (1024 * 1024)));
        });
    }

    [TestCase("mailgate/Test/Secret/Key/0000000000000000")]
    [TestCase("MAILGATE/TEST/SECRET/KEY/0000000000000000")]
    [TestCase("mailgate%2FTest%2FSecret%2FKey%2F0000000000000000")]
    [TestCase(@"mailgate\/Test\/Secret\/Key\/0000000000000000")]
    [TestCase(@"MAILGATE\/Test\u002FSecret%2Fkey&#47;0000000000000000")]
    public void Call_ErrorQuotingTheSecretKey_NeverCarriesIt(string quoted)
    {
        _endpoint.Respond = ScriptedHttpServer.Status(400, $$"""{"__type":"InvalidSignatureException","message":"signature computed with {{quoted}} does not match"}""");

        var error = Assert.ThrowsAsync<AwsException>(ListAsync)!;

        Assert.That(error.AwsMessage, Is.EqualTo("signature computed with [credentials] does not match"));
    }
}
