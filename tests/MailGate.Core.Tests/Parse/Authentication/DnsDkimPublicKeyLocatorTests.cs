using MailGate.Core.Parse.Authentication;
using MailGate.Tests.Shared;
using MailGate.Core.Tests.Parse.Authentication.Support;
using Microsoft.Extensions.Time.Testing;
using Org.BouncyCastle.Crypto.Parameters;

namespace MailGate.Core.Tests.Parse.Authentication;

/// <summary>The DNS locator against a DNS server on loopback: real DnsClient queries, no network.</summary>
[TestFixture]
public class DnsDkimPublicKeyLocatorTests
{
    private const string Name = "sel._domainkey.example.com";

    private TinyDnsServer _dns = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp()
    {
        _dns = new TinyDnsServer();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 12, 12, 0, 0, TimeSpan.Zero));
    }

    [TearDown]
    public void TearDown() => _dns.Dispose();

    [TestCase(false)]
    [TestCase(true)]
    public async Task LocatePublicKey_TxtSplitInStrings_JoinsThemWithoutSeparator(bool async)
    {
        var keys = TestKeys.Ed25519();
        var txt = TestKeys.TxtRecord(keys.Public);
        _dns.Txt(Name, 300, txt[..20], txt[20..]);

        var key = await LocateAsync(CreateSut(), async);

        Assert.That(((Ed25519PublicKeyParameters)key).GetEncoded(), Is.EqualTo(((Ed25519PublicKeyParameters)keys.Public).GetEncoded()));
    }

    [TestCase(3, false, TestName = "LocatePublicKey_NxDomain_IsPermanent")]
    [TestCase(3, true, TestName = "LocatePublicKeyAsync_NxDomain_IsPermanent")]
    [TestCase(-1, false, TestName = "LocatePublicKey_NoTxtRecord_IsPermanent")]
    [TestCase(-1, true, TestName = "LocatePublicKeyAsync_NoTxtRecord_IsPermanent")]
    public void LocatePublicKey_NoSuchKey_IsPermanent(int rcode, bool async)
    {
        if (rcode >= 0)
        {
            _dns.Rcode(Name, rcode);
        }

        Assert.That(async () => await LocateAsync(CreateSut(), async), Throws.InstanceOf<DkimKeyNotFoundException>());
    }

    [TestCase("v=DKIM1; k=ed25519; p=", TestName = "LocatePublicKey_RevokedKey_IsPermanent")]
    [TestCase("v=spf1 -all", TestName = "LocatePublicKey_NotAKeyRecord_IsPermanent")]
    [TestCase("v=DKIM1; k=rsa; p=***", TestName = "LocatePublicKey_KeyNotBase64_IsPermanent")]
    public void LocatePublicKey_UnusableRecord_IsPermanent(string txt)
    {
        _dns.Txt(Name, 300, txt);

        Assert.That(() => CreateSut().LocatePublicKey("dns/txt", "example.com", "sel"), Throws.InstanceOf<DkimKeyNotFoundException>());
    }

    [TestCase(2, false, TestName = "LocatePublicKey_ServFail_IsTemporary")]
    [TestCase(2, true, TestName = "LocatePublicKeyAsync_ServFail_IsTemporary")]
    [TestCase(5, true, TestName = "LocatePublicKeyAsync_Refused_IsTemporary")]
    public void LocatePublicKey_ServerError_IsTemporary(int rcode, bool async)
    {
        _dns.Rcode(Name, rcode);

        Assert.That(async () => await LocateAsync(CreateSut(), async), Throws.InstanceOf<DkimKeyTemporaryException>());
    }

    [TestCase(false)]
    [TestCase(true)]
    public void LocatePublicKey_NoAnswer_IsTemporaryAfterTheTimeout(bool async)
    {
        _dns.Silent(Name);

        Assert.That(async () => await LocateAsync(CreateSut(Short()), async), Throws.InstanceOf<DkimKeyTemporaryException>().With.Message.Contains("timeout"));
        Assert.That(_dns.Questions(Name), Is.EqualTo(2), "one retry");
    }

    [TestCase("dns/txt", 1)]
    [TestCase("DNS/TXT", 1)]
    [TestCase("other/thing:dns/txt", 1)]
    [TestCase("", 1)]
    [TestCase("other/thing", 0)]
    public void LocatePublicKey_QueryMethods_AsksDnsOnlyForDnsTxt(string methods, int questions)
    {
        _dns.Txt(Name, 300, TestKeys.TxtRecord(TestKeys.Ed25519().Public));

        try
        {
            CreateSut().LocatePublicKey(methods, "example.com", "sel");
        }
        catch (DkimKeyNotFoundException)
        {
            // expected for methods without dns/txt
        }

        Assert.That(_dns.Questions(Name), Is.EqualTo(questions));
    }

    [TestCase(300, 299, 1)]
    [TestCase(300, 301, 2)]
    [TestCase(86400, 3599, 1)]
    [TestCase(86400, 3601, 2)]
    [TestCase(0, 1, 2)]
    public async Task LocatePublicKeyAsync_Cache_KeepsAnswersForTheirTtlCappedAtAnHour(int ttl, int secondsLater, int questions)
    {
        _dns.Txt(Name, ttl, TestKeys.TxtRecord(TestKeys.Ed25519().Public));
        var sut = CreateSut();

        await sut.LocatePublicKeyAsync("dns/txt", "example.com", "sel");
        _time.Advance(TimeSpan.FromSeconds(secondsLater));
        await sut.LocatePublicKeyAsync("dns/txt", "Example.COM", "sel");

        Assert.That(_dns.Questions(Name), Is.EqualTo(questions));
    }

    [TestCase(3, 59, 1, TestName = "LocatePublicKey_NxDomain_IsCachedBriefly")]
    [TestCase(3, 61, 2, TestName = "LocatePublicKey_NxDomain_IsAskedAgainAfterAMinute")]
    [TestCase(2, 29, 1, TestName = "LocatePublicKey_ServFail_IsCachedForThirtySeconds")]
    [TestCase(2, 31, 2, TestName = "LocatePublicKey_ServFail_IsAskedAgainAfterThirtySeconds")]
    public void LocatePublicKey_Failures_CachedBriefly(int rcode, int secondsLater, int lookups)
    {
        _dns.Rcode(Name, rcode);
        var sut = CreateSut();

        Assert.That(() => sut.LocatePublicKey("dns/txt", "example.com", "sel"), Throws.Exception);
        var perLookup = _dns.Questions(Name); // DnsClient sends SERVFAIL questions again (the retry)
        _time.Advance(TimeSpan.FromSeconds(secondsLater));
        Assert.That(() => sut.LocatePublicKey("dns/txt", "example.com", "sel"), Throws.Exception);

        Assert.That(_dns.Questions(Name), Is.EqualTo(perLookup * lookups));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task LocatePublicKey_NoAnswer_IsCachedAsTemporary_NotAskedAgainMeanwhile(bool async)
    {
        _dns.Silent(Name);
        var sut = CreateSut(Short());

        Assert.That(async () => await LocateAsync(sut, async), Throws.InstanceOf<DkimKeyTemporaryException>());
        var questions = _dns.Questions(Name);
        Assert.That(async () => await LocateAsync(sut, async), Throws.InstanceOf<DkimKeyTemporaryException>().With.Message.Contains("timeout"));

        Assert.That(_dns.Questions(Name), Is.EqualTo(questions), "a zone that does not answer costs one timeout, not one per message");
    }

    [TestCase(2, 1, TestName = "Cache_WallClockSteppedForwardTwoHours_KeepsTheKey")]
    [TestCase(-2, 1, TestName = "Cache_WallClockSteppedBackTwoHours_KeepsTheKey")]
    public async Task Cache_WallClockStep_ChangesNothing(int hours, int questions)
    {
        var clock = new SteppedClock(_time);
        _dns.Txt(Name, 300, TestKeys.TxtRecord(TestKeys.Ed25519().Public));
        var sut = new DnsDkimPublicKeyLocator(Generous(), clock);

        await sut.LocatePublicKeyAsync("dns/txt", "example.com", "sel");
        clock.Step(TimeSpan.FromHours(hours));
        await sut.LocatePublicKeyAsync("dns/txt", "example.com", "sel");
        Assert.That(_dns.Questions(Name), Is.EqualTo(questions));

        _time.Advance(TimeSpan.FromSeconds(301));
        await sut.LocatePublicKeyAsync("dns/txt", "example.com", "sel");
        Assert.That(_dns.Questions(Name), Is.EqualTo(questions + 1), "the TTL runs out on the monotonic clock");
    }

    [Test]
    public async Task Offline_NameNotCached_ThrowsNotCachedWithoutAskingDns_ThenAnswersOnceLookedUp()
    {
        _dns.Txt(Name, 300, TestKeys.TxtRecord(TestKeys.Ed25519().Public));
        var sut = CreateSut();

        Assert.That(() => sut.Offline.LocatePublicKey("dns/txt", "Example.com.", "sel"), Throws.InstanceOf<DkimKeyNotCachedException>().With.Property("Name").EqualTo(Name));
        Assert.That(_dns.Questions(Name), Is.Zero);

        await sut.PrefetchAsync([Name]);

        Assert.That(await sut.Offline.LocatePublicKeyAsync("dns/txt", "example.com", "sel"), Is.Not.Null);
        Assert.That(_dns.Questions(Name), Is.EqualTo(1));
    }

    [Test]
    public async Task Offline_CachedFailure_ThrowsTheFailureItself()
    {
        _dns.Rcode(Name, 2);
        var sut = CreateSut();

        await sut.PrefetchAsync([Name]);

        Assert.That(() => sut.Offline.LocatePublicKey("dns/txt", "example.com", "sel"), Throws.InstanceOf<DkimKeyTemporaryException>());
    }

    [Test]
    public async Task PrefetchAsync_SameSilentNameForManyCallers_AsksDnsOnce()
    {
        _dns.Silent(Name);
        var sut = CreateSut(Short());

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => sut.PrefetchAsync([Name, Name.ToUpperInvariant()])));

        Assert.That(_dns.Questions(Name), Is.EqualTo(2), "one lookup (and its one retry) shared by every caller");
        Assert.That(() => sut.Offline.LocatePublicKey("dns/txt", "example.com", "sel"), Throws.InstanceOf<DkimKeyTemporaryException>());
    }

    [Test]
    public void PrefetchAsync_BudgetShorterThanTheDnsTimeout_StopsWaiting_TheLookupStillFillsTheCache()
    {
        _dns.Silent(Name);
        var sut = new DnsDkimPublicKeyLocator(new DnsDkimPublicKeyLocatorOptions { NameServers = [_dns.EndPoint], Timeout = TimeSpan.FromSeconds(1), Retries = 0 }, _time);
        using var budget = new CancellationTokenSource();
        budget.Cancel();

        Assert.That(async () => await sut.PrefetchAsync([Name], budget.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await sut.LocatePublicKeyAsync("dns/txt", "example.com", "sel"), Throws.InstanceOf<DkimKeyTemporaryException>(), "the lookup went on without the caller");
        Assert.That(_dns.Questions(Name), Is.EqualTo(1));
    }

    [Test]
    public async Task Cache_FullOfFailures_KeepsTheKeys()
    {
        _dns.Txt(Name, 300, TestKeys.TxtRecord(TestKeys.Ed25519().Public));
        var sut = CreateSut(Generous(maxCacheEntries: 3));
        await sut.LocatePublicKeyAsync("dns/txt", "example.com", "sel");

        for (var i = 0; i < 10; i++)
        {
            await sut.PrefetchAsync([$"made-up-{i}._domainkey.example.com"]);
        }

        Assert.That(await sut.Offline.LocatePublicKeyAsync("dns/txt", "example.com", "sel"), Is.Not.Null, "a flood of made-up selectors does not push out a real key");
        Assert.That(_dns.Questions(Name), Is.EqualTo(1));
    }

    [Test]
    public void LocatePublicKey_CacheFull_DropsExpiredEntries()
    {
        var sut = CreateSut(Generous(maxCacheEntries: 2));
        for (var i = 0; i < 5; i++)
        {
            Assert.That(() => sut.LocatePublicKey("dns/txt", "example.com", $"s{i}"), Throws.InstanceOf<DkimKeyNotFoundException>());
        }

        Assert.That(sut.CachedCount, Is.LessThanOrEqualTo(2));
    }

    [TestCase(8192, 17, "p= of", TestName = "LocatePublicKeyAsync_RsaModulusOf8192Bits_IsRefusedBeforeParsing")]
    [TestCase(8192, 8192, "p= of", TestName = "LocatePublicKeyAsync_RsaModulusAndExponentOf8192Bits_IsRefusedBeforeParsing")]
    [TestCase(2048, 2048, "exponent of 2048 bits", TestName = "LocatePublicKeyAsync_RsaExponentOf2048Bits_IsRefused")]
    [TestCase(4160, 17, "modulus of 4160 bits", TestName = "LocatePublicKeyAsync_RsaModulusJustOver4096Bits_IsRefused")]
    public void LocatePublicKeyAsync_RsaKeyCostlierThanAnyRealOne_IsPermanent(int modulusBits, int exponentBits, string why)
    {
        // Verifying with a 16384-bit modulus and exponent took 8 s of CPU per signature (ten signatures and an
        // ARC chain per message); parsing such a key tests its modulus for primality, seconds more.
        PublishLong(Name, 300, UnsafeRsaKeyRecord(modulusBits, exponentBits));

        Assert.That(async () => await CreateSut().LocatePublicKeyAsync("dns/txt", "example.com", "sel"),
            Throws.InstanceOf<DkimKeyNotFoundException>().With.Message.Contains("not a usable key").And.Message.Contains(why));
    }

    [TestCase(1024, 3)]
    [TestCase(4096, 17)]
    [TestCase(4096, 64)]
    public async Task LocatePublicKeyAsync_RsaKeyWithinTheBounds_IsUsed(int modulusBits, int exponentBits)
    {
        PublishLong(Name, 300, UnsafeRsaKeyRecord(modulusBits, exponentBits));

        var key = (RsaKeyParameters)await CreateSut().LocatePublicKeyAsync("dns/txt", "example.com", "sel");

        Assert.That((key.Modulus.BitLength, key.Exponent.BitLength), Is.EqualTo((modulusBits, exponentBits)));
    }

    [Test]
    public async Task Offline_ZeroTtlAnswerHeldForAMessage_IsServedUntilTheHoldEnds()
    {
        _dns.Txt(Name, 0, TestKeys.TxtRecord(TestKeys.Ed25519().Public));
        var sut = CreateSut();

        var hold = sut.Hold([Name]);
        await sut.PrefetchAsync([Name]);
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.That(sut.Offline.LocatePublicKey("dns/txt", "example.com", "sel"), Is.Not.Null, "the message it was looked up for is verified with it, however long it waited");
        hold.Dispose();
        hold.Dispose();
        Assert.That(() => sut.Offline.LocatePublicKey("dns/txt", "example.com", "sel"), Throws.InstanceOf<DkimKeyNotCachedException>());
        Assert.That(_dns.Questions(Name), Is.EqualTo(1));
    }

    [Test]
    public async Task Cache_FullOfOtherRealKeys_KeepsPinnedAndHeldKeys()
    {
        // A zone answering every selector with a real key fills the cache with keys, not failures.
        var held = "held._domainkey.example.com";
        foreach (var name in new[] { Name, held }.Concat(Enumerable.Range(0, 20).Select(i => $"junk-{i}._domainkey.evil.example")))
        {
            _dns.Txt(name, 3600, TestKeys.TxtRecord(TestKeys.Ed25519().Public));
        }

        var sut = CreateSut(Generous(maxCacheEntries: 5));
        await sut.PrefetchAsync([Name]);
        sut.Pin([Name]);
        using var hold = sut.Hold([held]);
        await sut.PrefetchAsync([held]);

        for (var i = 0; i < 20; i++)
        {
            await sut.PrefetchAsync([$"junk-{i}._domainkey.evil.example"]);
        }

        Assert.That(sut.Offline.LocatePublicKey("dns/txt", "example.com", "sel"), Is.Not.Null, "a key that verified trusted mail is not pushed out");
        Assert.That(sut.Offline.LocatePublicKey("dns/txt", "example.com", "held"), Is.Not.Null, "nor one held for a message being verified");
        Assert.That(sut.CachedCount, Is.LessThanOrEqualTo(5));
        Assert.That(sut.Offline.LocatePublicKey("dns/txt", "evil.example", "junk-19"), Is.Not.Null, "the newest answer is kept");
    }

    [Test]
    public async Task Offline_PinnedKeyPastItsTtl_IsServedWhileLookingItUpAgainFails_UpToTheStaleLimit()
    {
        _dns.Txt(Name, 60, TestKeys.TxtRecord(TestKeys.Ed25519().Public));
        var sut = CreateSut(Short() with { PinnedStaleLimit = TimeSpan.FromHours(1) });
        await sut.PrefetchAsync([Name]);
        sut.Pin([Name]);
        _dns.Silent(Name);

        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.That(sut.PinnedDueForRefresh(TimeSpan.Zero), Is.EqualTo(new[] { Name }));
        await sut.RefreshAsync([Name]);

        Assert.That(sut.Offline.LocatePublicKey("dns/txt", "example.com", "sel"), Is.Not.Null, "DNS failing for a moment does not take away the key genuine mail is sealed with");
        _time.Advance(TimeSpan.FromHours(1));
        Assert.That(() => sut.Offline.LocatePublicKey("dns/txt", "example.com", "sel"), Throws.InstanceOf<DkimKeyNotCachedException>());
    }

    [TestCase(3, TestName = "RefreshAsync_PinnedKeyNowNxDomain_IsNoLongerServed")]
    [TestCase(-1, TestName = "RefreshAsync_PinnedKeyNowRevoked_IsNoLongerServed")]
    public async Task RefreshAsync_PinnedKeyGone_IsNoLongerServed(int rcode)
    {
        _dns.Txt(Name, 60, TestKeys.TxtRecord(TestKeys.Ed25519().Public));
        var sut = CreateSut();
        await sut.PrefetchAsync([Name]);
        sut.Pin([Name]);
        if (rcode >= 0)
        {
            _dns.Rcode(Name, rcode);
        }
        else
        {
            _dns.Txt(Name, 60, "v=DKIM1; k=ed25519; p=");
        }

        Assert.That(sut.PinnedDueForRefresh(TimeSpan.FromMinutes(2)), Is.EqualTo(new[] { Name }), "due a minute before it expires");
        await sut.RefreshAsync([Name]);

        Assert.That(() => sut.Offline.LocatePublicKey("dns/txt", "example.com", "sel"), Throws.InstanceOf<DkimKeyNotFoundException>());
        Assert.That(sut.IsPinned(Name), Is.False, "nothing left to keep fresh");
    }

    [TestCase("new._domainkey.google.com", true)]
    [TestCase("NEW._domainkey.Google.com", true)]
    [TestCase("new._domainkey.mail.google.com", false)]
    [TestCase("new._domainkey.notgoogle.com", false)]
    [TestCase("new._domainkey.google.com.evil.example", false)]
    public void AllInPinnedDomains_NewSelectorOfAPinnedKeysDomain_IsInIt(string name, bool expected)
    {
        var sut = CreateSut();
        sut.Pin(["arc-20240605._domainkey.google.com"]);

        Assert.That(sut.AllInPinnedDomains([name]), Is.EqualTo(expected));
        Assert.That(sut.AllInPinnedDomains([name, "x._domainkey.evil.example"]), Is.False, "every name must be");
        Assert.That(sut.AllInPinnedDomains([]), Is.False);
    }

    [Test]
    public void Pin_MoreThanMaxPinned_UnpinsTheLeastRecentlyPinned()
    {
        var sut = CreateSut(Generous() with { MaxPinned = 2 });

        sut.Pin(["a._domainkey.example.com"]);
        _time.Advance(TimeSpan.FromSeconds(1));
        sut.Pin(["b._domainkey.example.com"]);
        _time.Advance(TimeSpan.FromSeconds(1));
        sut.Pin(["a._domainkey.example.com"]);
        _time.Advance(TimeSpan.FromSeconds(1));
        sut.Pin(["c._domainkey.example.com"]);

        Assert.That(new[] { "a", "b", "c" }.Where(s => sut.IsPinned($"{s}._domainkey.example.com")), Is.EqualTo(new[] { "a", "c" }));
    }

    /// <summary>Publishes <paramref name="txt"/> in strings of at most 255 characters (as a TXT record must).</summary>
    private void PublishLong(string name, int ttl, string txt) =>
        _dns.Txt(name, ttl, txt.Chunk(255).Select(c => new string(c)).ToArray());

    /// <summary>
    /// The key record of an RSA public key of the given sizes with no private key behind it (only its cost
    /// matters): an odd, composite modulus without small factors. Encoded directly: BouncyCastle's key type would test the
    /// modulus, which is the cost under test.
    /// </summary>
    private static string UnsafeRsaKeyRecord(int modulusBits, int exponentBits)
    {
        var random = new Org.BouncyCastle.Security.SecureRandom();
        var smallPrimes = Enumerable.Range(3, 741).Where(p => Enumerable.Range(2, (int)Math.Sqrt(p) - 1).All(d => p % d != 0))
            .Aggregate(Org.BouncyCastle.Math.BigInteger.One, (product, p) => product.Multiply(Org.BouncyCastle.Math.BigInteger.ValueOf(p)));
        Org.BouncyCastle.Math.BigInteger modulus;
        do
        {
            modulus = new Org.BouncyCastle.Math.BigInteger(modulusBits, random).SetBit(modulusBits - 1).SetBit(0);
        }
        while (!modulus.Gcd(smallPrimes).Equals(Org.BouncyCastle.Math.BigInteger.One) || modulus.IsProbablePrime(2)); // a prime (~2% of 1024-bit draws) is no RSA modulus: BouncyCastle refuses it

        var exponent = new Org.BouncyCastle.Math.BigInteger(exponentBits, random).SetBit(exponentBits - 1).SetBit(0);
        var info = new Org.BouncyCastle.Asn1.X509.SubjectPublicKeyInfo(
            new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers.RsaEncryption, Org.BouncyCastle.Asn1.DerNull.Instance),
            new Org.BouncyCastle.Asn1.X509.RsaPublicKeyStructure(modulus, exponent));
        return "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(info.GetEncoded());
    }

    /// <summary>
    /// A locator asking the loopback server. Its DNS timeout is only reached when a name is silent, so it is
    /// long (<see cref="Generous"/>) unless a test makes the server silent and waits for it (<see cref="Short"/>):
    /// a short one would make an answered question count twice on a loaded machine (DnsClient retries).
    /// </summary>
    private DnsDkimPublicKeyLocator CreateSut(DnsDkimPublicKeyLocatorOptions? options = null) =>
        new(options ?? Generous(), _time);

    private DnsDkimPublicKeyLocatorOptions Generous(int maxCacheEntries = 10_000) =>
        new() { NameServers = [_dns.EndPoint], Timeout = TimeSpan.FromSeconds(10), Retries = 1, MaxCacheEntries = maxCacheEntries };

    private DnsDkimPublicKeyLocatorOptions Short() =>
        new() { NameServers = [_dns.EndPoint], Timeout = TimeSpan.FromMilliseconds(300), Retries = 1 };

    private static async Task<Org.BouncyCastle.Crypto.AsymmetricKeyParameter> LocateAsync(DnsDkimPublicKeyLocator sut, bool async) =>
        async
            ? await sut.LocatePublicKeyAsync("dns/txt", "example.com", "sel")
            : sut.LocatePublicKey("dns/txt", "example.com", "sel");
}
