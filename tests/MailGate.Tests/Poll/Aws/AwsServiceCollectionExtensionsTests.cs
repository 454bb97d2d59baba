using MailGate.Poll.Aws;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailGate.Tests.Poll.Aws;

[TestFixture]
public sealed class AwsServiceCollectionExtensionsTests
{
    [Test]
    public async Task AddAwsClients_ResolvingEveryClient_ContactsNothing()
    {
        await using var aws = await FakeAws.StartAsync();
        var credentials = FakeAwsCredentialSource.Base;
        await using var services = AwsServices.Create(aws, TimeProvider.System, new Dictionary<string, string?> { ["Aws:ExternalId"] = "ext-123" }, credentials);

        services.GetRequiredService<OrganizationsClient>();
        services.GetRequiredService<SupportClient>();
        services.GetRequiredService<MemberAccountCredentials>();

        Assert.Multiple(() =>
        {
            Assert.That(services.GetRequiredService<IOptions<AwsOptions>>().Value.ExternalId, Is.EqualTo("ext-123"));
            Assert.That(aws.Requests, Is.Empty);
            Assert.That(credentials.Resolutions, Is.Zero, "the base credentials are looked for on first use, not when the clients are built");
        });
    }

    [Test]
    public void AddAwsClients_NothingElseRegistered_TakesTheBaseCredentialsFromTheSdkDefaultChain()
    {
        var services = new ServiceCollection().AddAwsClients();

        Assert.That(services.Single(d => d.ServiceType == typeof(IAwsCredentialSource)).ImplementationType, Is.EqualTo(typeof(DefaultChainCredentialSource)));
    }

    [Test]
    public void AddAwsClients_ASourceRegisteredBefore_IsKept()
    {
        var source = FakeAwsCredentialSource.None;
        var services = new ServiceCollection().AddSingleton<IAwsCredentialSource>(source).AddAwsClients();

        Assert.That(services.Single(d => d.ServiceType == typeof(IAwsCredentialSource)).ImplementationInstance, Is.SameAs(source));
    }

    [Test]
    public async Task AddAwsClients_InvalidSettings_FailOnFirstUseNotAtRegistration()
    {
        await using var aws = await FakeAws.StartAsync();
        await using var services = AwsServices.Create(aws, TimeProvider.System, new Dictionary<string, string?> { ["Aws:MaxAttempts"] = "0" });

        var e = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<AwsOptions>>().Value);

        Assert.That(e!.Message, Does.Contain("Aws:MaxAttempts must be between 1 and 20"));
    }
}
