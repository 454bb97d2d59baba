using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Process;
using MailGate.Spool;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.EndToEnd;

/// <summary>A DNS timeout while verifying is not a verdict: the message waits and is verified again.</summary>
[TestFixture]
public sealed class VerificationDeferralTests
{
    [Test]
    public async Task DnsTimeoutOnTheArcKey_DefersTheDecision_NothingIsSentYet()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, "--Trust:TempErrorRetryWindow=00:10:00");
        gateway.Dns.Silent("arc-test._domainkey.google.com");
        var deferred = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Services.GetRequiredService<ProcessingEvents>().VerificationDeferred += (_, id) => deferred.TrySetResult(id);

        var message = Mail.Fixture("abuse-report-via-google-group.eml");
        foreach (var header in new[] { "ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results" })
        {
            message.Headers.RemoveAll(header);
        }

        Signers.ArcSeal(message, TestKeys.Ed25519().Private, "google.com", "arc-test", "dmarc=pass header.from=amazon.com");
        var id = await Mail.SendAsync(gateway, message);

        Assert.That(await deferred.Task.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(id));
        var waiting = gateway.Spool.Find(id)!.Value;
        Assert.That(waiting.Area, Is.EqualTo(SpoolArea.Active));
        Assert.That(SpoolStore.ReadState(waiting.Message).IsDecided, Is.False, "no verdict is taken on a temporary failure");
        Assert.That(pagerDuty.Requests, Is.Empty);
    }
}
