using MailGate.Core.Messages;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Collections.Concurrent;
using System.Net;
using MailGate.Process;
using MailGate.Spool;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.EndToEnd;

/// <summary>
/// Issue #11 §1, "one 3 KB mail stopped all paging": mail whose DKIM/ARC keys live in a zone that never
/// answers must not hold up anyone else's page. Asserted by order (the genuine page is out while the
/// hostile mails are still undecided), never by timings.
/// </summary>
[TestFixture]
public sealed class HostileVerificationTests
{
    private const string Selector = "arc-test";
    private const int Hostile = 20;
    private static readonly IPAddress HostileClient = IPAddress.Parse("127.0.1.1");
    private static readonly IPAddress GenuineClient = IPAddress.Parse("127.0.0.1");

    private FakePagerDuty _pagerDuty = null!;
    private Org.BouncyCastle.Crypto.AsymmetricCipherKeyPair _googleKey = null!;

    [SetUp]
    public async Task SetUp()
    {
        _pagerDuty = await FakePagerDuty.StartAsync();
        _googleKey = TestKeys.Ed25519();
    }

    [TearDown]
    public async Task TearDown() => await _pagerDuty.DisposeAsync();

    private async Task<GatewayHarness> StartAsync(params string[] settings)
    {
        var gateway = await GatewayHarness.StartAsync(_pagerDuty, GatewayHarness.ShippedRules(), ["--Trust:TempErrorRetryWindow=00:10:00", .. settings]);
        gateway.Dns.Txt($"{Selector}._domainkey.google.com", 300, TestKeys.TxtRecord(_googleKey.Public));
        return gateway;
    }

    /// <summary>A forged report signed ten times and ARC-sealed, its keys in a zone of its own that never answers (so no cache helps).</summary>
    private static MimeKit.MimeMessage HostileMail(GatewayHarness gateway, int i)
    {
        var message = AbuseReports.Forged($"abuse-{i}@amazon.com");
        foreach (var name in Shared.HostileMail.Sign(message, $"h{i}.never-answers.example"))
        {
            gateway.Dns.Silent(name);
        }

        return message;
    }

    private static async Task<string[]> SendHostileAsync(GatewayHarness gateway)
    {
        var ids = new string[Hostile];
        for (var i = 0; i < Hostile; i++)
        {
            ids[i] = await Mail.SendAsync(gateway, HostileMail(gateway, i), client: HostileClient);
        }

        return ids;
    }

    private static void AssertStillUndecided(GatewayHarness gateway, IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            var found = gateway.Spool.Find(id);
            Assert.That(found?.Area, Is.EqualTo(SpoolArea.Active), id);
            Assert.That(SpoolStore.ReadState(found!.Value.Message).IsDecided, Is.False, $"{id} is still waiting for its keys");
        }
    }

    [Test]
    public async Task HostileMails_KeysNeverAnswer_GenuinePageFromAnotherNetworkGoesOutWhileTheyArePending()
    {
        await using var gateway = await StartAsync();
        var hostile = await SendHostileAsync(gateway);

        var genuine = await Mail.SendAsync(gateway, AbuseReports.ThroughGoogle(_googleKey.Private, Selector), client: GenuineClient);

        Assert.That(await gateway.WaitFinishedAsync(genuine, TimeSpan.FromSeconds(60)), Is.EqualTo(SpoolArea.Done));
        AssertStillUndecided(gateway, hostile);
        Assert.That(gateway.Spool.Find(hostile[0])!.Value.Message.Envelope.Mail!.ClientAddress, Is.EqualTo(HostileClient.ToString()), "another client network than the genuine page's");
        var sent = _pagerDuty.Requests.Single();
        Assert.That(sent.Payload.GetProperty("severity").GetString(), Is.EqualTo("critical"), "verified, not waved through");
        Assert.That(sent.Details.GetProperty("spool_id").GetString(), Is.EqualTo(genuine));
    }

    [Test]
    public async Task HostileMails_KeysNeverAnswer_GenuinePageWithKnownKeysIsDecidedAtOnceEvenFromTheirNetwork()
    {
        await using var gateway = await StartAsync();
        var first = await Mail.SendAsync(gateway, AbuseReports.ThroughGoogle(_googleKey.Private, Selector));
        await gateway.WaitFinishedAsync(first, TimeSpan.FromSeconds(30));
        var hostile = await SendHostileAsync(gateway);

        var genuine = await Mail.SendAsync(gateway, AbuseReports.ThroughGoogle(_googleKey.Private, Selector), client: HostileClient);

        Assert.That(await gateway.WaitFinishedAsync(genuine, TimeSpan.FromSeconds(60)), Is.EqualTo(SpoolArea.Done));
        AssertStillUndecided(gateway, hostile);
        Assert.That(_pagerDuty.Accepted.Select(r => r.Details.GetProperty("spool_id").GetString()), Is.EqualTo(new[] { first, genuine }));
    }

    [Test]
    public async Task HostileMail_Deferred_IsQueuedOnceAndNotVerifiedAgainAtEveryScan()
    {
        await using var gateway = await StartAsync("--Spool:ScanInterval=00:00:00.100");
        var events = gateway.Services.GetRequiredService<ProcessingEvents>();
        var deferrals = new ConcurrentBag<string>();
        var deferred = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        events.VerificationDeferred += (_, id) =>
        {
            deferrals.Add(id);
            deferred.TrySetResult();
        };

        var message = AbuseReports.Forged();
        var names = Shared.HostileMail.Sign(message, "never-answers.example");
        foreach (var name in names)
        {
            gateway.Dns.Silent(name);
        }

        var id = await Mail.SendAsync(gateway, message);
        await deferred.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var scans = 0;
        var tenScans = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        events.Scanned += (_, _) =>
        {
            if (Interlocked.Increment(ref scans) >= 10)
            {
                tenScans.TrySetResult();
            }
        };
        await tenScans.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(deferrals, Is.EqualTo(new[] { id }), "deferred once: not queued again at every scan (Trust:DnsFailureCacheDuration)");
        Assert.That(names.Select(gateway.Dns.Questions), Has.All.EqualTo(2), "each key asked once (and its one retry), all at once");
        AssertStillUndecided(gateway, [id]);
        Assert.That(_pagerDuty.Requests, Is.Empty);
    }

    [Test]
    public async Task GenuinePage_KeyWithATtlOfZero_IsVerifiedWithTheKeyLookedUpForIt()
    {
        // Before: the key's answer expired before the message it was looked up for was verified (a TTL of 0 was
        // not kept at all): deferred for all of Trust:TempErrorRetryWindow, then paged as [unverified].
        await using var gateway = await StartAsync("--Trust:TempErrorRetryWindow=00:00:02", "--Spool:ScanInterval=00:00:00.100", "--Trust:DnsFailureCacheDuration=00:00:00.200");
        gateway.Dns.Txt($"{Selector}._domainkey.google.com", 0, TestKeys.TxtRecord(_googleKey.Public));
        var deferred = 0;
        gateway.Services.GetRequiredService<ProcessingEvents>().VerificationDeferred += (_, _) => Interlocked.Increment(ref deferred);

        var id = await Mail.SendAsync(gateway, AbuseReports.ThroughGoogle(_googleKey.Private, Selector));

        Assert.That(await gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(30)), Is.EqualTo(SpoolArea.Done));
        var sent = _pagerDuty.Requests.Single();
        Assert.That(sent.Payload.GetProperty("severity").GetString(), Is.EqualTo("critical"));
        Assert.That(sent.Details.GetProperty("authentication").GetString(), Does.StartWith("arc=pass (google.com)"));
        Assert.That(deferred, Is.Zero);
    }

    /// <summary>Hostile mail from <paramref name="networks"/> client networks (127.1.k.1, a /24 each), one message each.</summary>
    /// <summary>Sends a genuine abuse report through Google and waits until it paged: its keys now verified trusted mail (and are pinned).</summary>
    private async Task PageGenuineMailAsync(GatewayHarness gateway)
    {
        var first = await Mail.SendAsync(gateway, AbuseReports.ThroughGoogle(_googleKey.Private, Selector));
        Assert.That(await gateway.WaitFinishedAsync(first, TimeSpan.FromSeconds(30)), Is.EqualTo(SpoolArea.Done));
    }

    private static async Task<string[]> SendFromManyNetworksAsync(GatewayHarness gateway, int networks)
    {
        var ids = new string[networks];
        for (var i = 0; i < networks; i++)
        {
            ids[i] = await Mail.SendAsync(gateway, HostileMail(gateway, i), client: new IPAddress([127, 1, (byte)i, 1]));
        }

        return ids;
    }

    /// <summary>
    /// The genuine page went out, verified, before most hostile mails (one lookup slot, one network each) had
    /// their keys asked for: it did not wait for their turns.
    /// </summary>
    private async Task AssertDecidedAheadOfTheFloodAsync(GatewayHarness gateway, string genuine, string[] hostile)
    {
        Assert.That(await gateway.WaitFinishedAsync(genuine, TimeSpan.FromSeconds(60)), Is.EqualTo(SpoolArea.Done));
        var lookedUp = Enumerable.Range(0, hostile.Length).Count(i => gateway.Dns.Questions($"s0._domainkey.h{i}.never-answers.example") > 0);
        Assert.That(lookedUp, Is.LessThan(4), "decided before the hostile networks had their turns");
        AssertStillUndecided(gateway, hostile);
        Assert.That(_pagerDuty.Accepted[^1].Payload.GetProperty("severity").GetString(), Is.EqualTo("critical"));
    }

    [Test]
    public async Task GenuinePage_NewSelectorOfADomainThatSealedTrustedMail_IsLookedUpAheadOfAFloodFromManyNetworks()
    {
        // Before: a genuine page whose key was not looked up yet (Google rotated its selector) waited its
        // network's turn behind every hostile network: 95 s behind 100 networks (bench/README.md).
        await using var gateway = await StartAsync("--Trust:MaxConcurrentVerifications=1");
        await PageGenuineMailAsync(gateway);
        var rotated = TestKeys.Ed25519();
        gateway.Dns.Txt($"{Selector}-rotated._domainkey.google.com", 300, TestKeys.TxtRecord(rotated.Public));
        var hostile = await SendFromManyNetworksAsync(gateway, 10);

        var genuine = await Mail.SendAsync(gateway, AbuseReports.ThroughGoogle(rotated.Private, Selector + "-rotated"));

        await AssertDecidedAheadOfTheFloodAsync(gateway, genuine, hostile);
    }

    [Test]
    public async Task GenuinePage_KeyOfTrustedMailPastItsTtl_IsDecidedAtOnceDuringAFloodFromManyNetworks()
    {
        // Before: once the key's TTL had passed, the next genuine page waited for it to be looked up again,
        // behind every hostile network (64 s behind 100 networks, bench/README.md).
        await using var gateway = await StartAsync("--Trust:MaxConcurrentVerifications=1");
        gateway.Dns.Txt($"{Selector}._domainkey.google.com", 1, TestKeys.TxtRecord(_googleKey.Public));
        await PageGenuineMailAsync(gateway);
        var deferred = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Services.GetRequiredService<ProcessingEvents>().VerificationDeferred += (_, _) => deferred.TrySetResult();
        var hostile = await SendFromManyNetworksAsync(gateway, 10);
        await deferred.Task.WaitAsync(TimeSpan.FromSeconds(60)); // a hostile lookup ran out (4 s): the key's 1 s TTL is over

        var genuine = await Mail.SendAsync(gateway, AbuseReports.ThroughGoogle(_googleKey.Private, Selector));

        await AssertDecidedAheadOfTheFloodAsync(gateway, genuine, hostile);
    }

    [Test]
    public async Task GenuinePage_AfterARestart_KeysOfTrustedMailStayPinned_NewSelectorIsLookedUpAheadOfAFlood()
    {
        // Before: a restart forgot which keys verified trusted mail, so the first genuine page after it waited
        // its network's turn behind every hostile network (95 s behind 100 networks, bench/README.md).
        string[] settings = ["--Trust:TempErrorRetryWindow=00:10:00", "--Trust:MaxConcurrentVerifications=1"];
        await using var gateway = await StartAsync(settings[1]);
        await PageGenuineMailAsync(gateway);

        await gateway.RestartAsync(_pagerDuty, settings);
        var locator = gateway.Services.GetRequiredService<MailGate.Core.Parse.Authentication.DnsDkimPublicKeyLocator>();
        Assert.That(locator.IsPinned($"{Selector}._domainkey.google.com"), Is.True, "restored from the spool");
        var rotated = TestKeys.Ed25519();
        gateway.Dns.Txt($"{Selector}-rotated._domainkey.google.com", 300, TestKeys.TxtRecord(rotated.Public));
        var hostile = await SendFromManyNetworksAsync(gateway, 10);

        var genuine = await Mail.SendAsync(gateway, AbuseReports.ThroughGoogle(rotated.Private, Selector + "-rotated"));

        await AssertDecidedAheadOfTheFloodAsync(gateway, genuine, hostile);
    }

    [Test]
    public async Task ForgedMail_SignedAndSealedWithKeysOfItsOwn_PinsNothing_GenuineMailPinsGooglesKey()
    {
        await using var gateway = await StartAsync();
        var forger = TestKeys.Ed25519();
        gateway.Dns.Txt("sel._domainkey.evil.example", 300, TestKeys.TxtRecord(forger.Public));
        var forged = AbuseReports.Forged();
        Signers.DkimSign(forged, forger.Private, "evil.example", "sel");
        Signers.ArcSeal(forged, forger.Private, "evil.example", "sel", "dmarc=pass header.from=amazon.com");

        var id = await Mail.SendAsync(gateway, forged);
        Assert.That(await gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(30)), Is.EqualTo(SpoolArea.Done));
        var genuine = await Mail.SendAsync(gateway, AbuseReports.ThroughGoogle(_googleKey.Private, Selector));
        Assert.That(await gateway.WaitFinishedAsync(genuine, TimeSpan.FromSeconds(30)), Is.EqualTo(SpoolArea.Done));

        var locator = gateway.Services.GetRequiredService<MailGate.Core.Parse.Authentication.DnsDkimPublicKeyLocator>();
        Assert.That(_pagerDuty.Requests[0].Details.GetProperty("authentication").GetString(), Does.StartWith("arc=pass (evil.example); dkim=pass (evil.example)"));
        Assert.That(locator.IsPinned("sel._domainkey.evil.example"), Is.False, "keys that verified untrusted mail are not pinned");
        Assert.That(locator.IsPinned($"{Selector}._domainkey.google.com"), Is.True);
    }

    [Test]
    public async Task KeyLookupsOverTheBudget_CountAsTemporaryFailure_TheMessageIsDeferred()
    {
        await using var gateway = await StartAsync("--Trust:VerificationTimeout=00:00:00.050");
        var deferred = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Services.GetRequiredService<ProcessingEvents>().VerificationDeferred += (_, id) => deferred.TrySetResult(id);

        var id = await Mail.SendAsync(gateway, HostileMail(gateway, 0));

        Assert.That(await deferred.Task.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(id));
        using var http = new HttpClient { BaseAddress = gateway.HttpUrl };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.That(metrics, Does.Match("mailgate_verification_key_fetches_total\\{[^}]*result=\"timeout\"[^}]*\\} 1"));
        Assert.That(metrics, Does.Match("mailgate_verification_deferred_total(\\{[^}]*\\})? 1"));
    }

    [Test]
    public async Task TemporaryFailureOutlastingTheWindow_IsDecidedWithWhatIsKnown()
    {
        await using var gateway = await StartAsync("--Spool:ScanInterval=00:00:00.100", "--Trust:TempErrorRetryWindow=00:00:00.500", "--Trust:DnsFailureCacheDuration=00:00:00");
        var message = AbuseReports.Forged();
        foreach (var name in Shared.HostileMail.Sign(message, "servfail.example"))
        {
            gateway.Dns.Rcode(name, 2);
        }

        var id = await Mail.SendAsync(gateway, message);

        Assert.That(await gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(30)), Is.EqualTo(SpoolArea.Done));
        var sent = _pagerDuty.Requests.Single();
        Assert.That(sent.Payload.GetProperty("summary").GetString(), Does.StartWith("[unverified]"));
        Assert.That(sent.Details.GetProperty("authentication").GetString(), Does.StartWith("arc=temperror"));
    }
}
