using MailGate.Core.Parse.Authentication;
using MailGate.Tests.Shared;
using MailGate.Core.Tests.Parse.Authentication.Support;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailGate.Core.Tests.Parse.Authentication;

[TestFixture]
public class MailAuthenticatorTests
{
    private const string GoogleVerdict =
        "dkim=pass header.i=@amazon.com header.s=abuse2026; spf=pass smtp.mailfrom=bounce.amazon.com; dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=amazon.com";

    private AsymmetricCipherKeyPair _amazon = null!;
    private AsymmetricCipherKeyPair _google = null!;
    private InMemoryKeyLocator _locator = null!;

    [SetUp]
    public void SetUp()
    {
        _amazon = TestKeys.Ed25519();
        _google = TestKeys.Ed25519();
        _locator = new InMemoryKeyLocator()
            .Publish("amazon.com", "abuse2026", _amazon)
            .Publish("google.com", "arc-20240605", _google);
    }

    [Test]
    public async Task VerifyAsync_DkimSignedAndUnchanged_Passes()
    {
        var message = Signed();

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Dkim, Is.EqualTo(new[] { new DkimResult("amazon.com", "abuse2026", AuthOutcome.Pass) }));
        Assert.That(facts.Arc, Is.EqualTo(AuthOutcome.None));
        Assert.That(facts.Original, Is.Null);
        Assert.That(facts.ToString(), Is.EqualTo("arc=none; dkim=pass (amazon.com)"));
    }

    [Test]
    public async Task VerifyAsync_Rsa2048Sha256_Passes()
    {
        var rsa = TestKeys.Rsa2048();
        _locator.Publish("amazon.com", "rsa2026", rsa);
        var message = SignedMessages.AbuseReport();
        Signers.DkimSign(message, rsa.Private, "amazon.com", "rsa2026", DkimSignatureAlgorithm.RsaSha256);

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Dkim.Single().Outcome, Is.EqualTo(AuthOutcome.Pass));
    }

    [Test]
    public async Task VerifyAsync_RsaSha1_FailsBecauseItIsDisabled()
    {
        var rsa = TestKeys.Rsa2048();
        _locator.Publish("amazon.com", "rsa2026", rsa);
        var message = SignedMessages.AbuseReport();
        Signers.DkimSign(message, rsa.Private, "amazon.com", "rsa2026", DkimSignatureAlgorithm.RsaSha1);

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Dkim.Single().Outcome, Is.EqualTo(AuthOutcome.Fail));
        Assert.That(facts.Dkim.Single().Detail, Does.Contain("rsa-sha1"));
    }

    [TestCase("abusive activity", "harmless activity", TestName = "VerifyAsync_BodyTampered_Fails")]
    [TestCase("Your AWS Abuse Report", "Your AWS Refund", TestName = "VerifyAsync_SubjectTampered_Fails")]
    [TestCase("ec2-abuse@amazon.com", "ec2-abuse@amaz0n.com", TestName = "VerifyAsync_FromTampered_Fails")]
    public async Task VerifyAsync_Tampered_Fails(string find, string replace)
    {
        var raw = Signers.ToBytes(Signed());

        var facts = await CreateSut().VerifyAsync(Signers.LoadTampered(raw, find, replace), CancellationToken.None);

        Assert.That(facts.Dkim.Single().Outcome, Is.EqualTo(AuthOutcome.Fail));
    }

    [Test]
    public async Task VerifyAsync_SignedWithAnotherKey_Fails()
    {
        _locator.Publish("amazon.com", "abuse2026", TestKeys.Ed25519());

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(Signed())), CancellationToken.None);

        Assert.That(facts.Dkim.Single().Outcome, Is.EqualTo(AuthOutcome.Fail));
    }

    [Test]
    public async Task VerifyAsync_UnknownKey_IsPermError()
    {
        var message = SignedMessages.AbuseReport();
        Signers.DkimSign(message, _amazon.Private, "amazon.com", "no-such-selector");

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Dkim.Single(), Is.EqualTo(new DkimResult("amazon.com", "no-such-selector", AuthOutcome.PermError, "no-such-selector._domainkey.amazon.com: no such name (NXDOMAIN)")));
        Assert.That(facts.HasTemporaryError, Is.False);
    }

    [TestCase("v=DKIM1; k=ed25519; p=", TestName = "VerifyAsync_RevokedKeyEmptyP_IsPermError")]
    [TestCase("v=DKIM1; k=ed25519", TestName = "VerifyAsync_KeyRecordWithoutP_IsPermError")]
    [TestCase("v=DKIM1; k=dsa; p=AAAA", TestName = "VerifyAsync_UnknownKeyType_IsPermError")]
    [TestCase("v=DKIM1; k=rsa; p=not*base64", TestName = "VerifyAsync_KeyNotBase64_IsPermError")]
    public async Task VerifyAsync_UnusableKeyRecord_IsPermError(string txt)
    {
        _locator.PublishTxt("amazon.com", "abuse2026", txt);

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(Signed())), CancellationToken.None);

        Assert.That(facts.Dkim.Single().Outcome, Is.EqualTo(AuthOutcome.PermError));
    }

    [Test]
    public async Task VerifyAsync_KeyLookupTemporaryFailure_IsTempError()
    {
        _locator.Fail("amazon.com", "abuse2026", () => new DkimKeyTemporaryException("abuse2026._domainkey.amazon.com: DNS timeout"));

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(Signed())), CancellationToken.None);

        Assert.That(facts.Dkim.Single().Outcome, Is.EqualTo(AuthOutcome.TempError));
        Assert.That(facts.HasTemporaryError, Is.True);
    }

    [TestCase("v=1; a=ed25519-sha256; d=amazon.com", TestName = "VerifyAsync_DkimSignatureMissingTags_IsPermError")]
    [TestCase("v=1; a=ed25519-sha256; d=amazon.com; s=abuse2026; c=relaxed/relaxed; h=to:subject; bh=AAAA; b=AAAA", TestName = "VerifyAsync_DkimSignatureNotSigningFrom_IsPermError")]
    [TestCase("v=1; a=ed25519-sha256; d=amazon.com; s=abuse2026; i=@evil.example; c=relaxed/relaxed; h=from; bh=AAAA; b=AAAA", TestName = "VerifyAsync_DkimSignatureAuidOutsideDomain_IsPermError")]
    [TestCase("v=1; a=no-such-alg; d=amazon.com; s=abuse2026; c=relaxed/relaxed; h=from; bh=AAAA; b=AAAA", TestName = "VerifyAsync_DkimSignatureUnknownAlgorithm_IsPermError")]
    [TestCase("garbage without tags", TestName = "VerifyAsync_DkimSignatureGarbage_IsPermError")]
    public async Task VerifyAsync_MalformedDkimSignature_IsPermError(string value)
    {
        var message = SignedMessages.AbuseReport();
        message.Headers.Insert(0, new Header("DKIM-Signature", value));

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Dkim.Single().Outcome, Is.EqualTo(AuthOutcome.PermError));
        Assert.That(facts.Dkim.Single().Detail, Is.Not.Empty);
    }

    [Test]
    public async Task VerifyAsync_TwoSignatures_OneResultEachInHeaderOrder()
    {
        var other = TestKeys.Ed25519();
        _locator.Publish("amazonses.com", "ses", other);
        var message = Signed();
        Signers.DkimSign(message, other.Private, "amazonses.com", "ses");

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Dkim.Select(d => (d.Domain, d.Outcome)), Is.EqualTo(new[] { ("amazonses.com", AuthOutcome.Pass), ("amazon.com", AuthOutcome.Pass) }));
    }

    [Test]
    public async Task VerifyAsync_KeysUsed_ListsTheKeysFoundWhateverTheVerdict_NotTheMissingOnes()
    {
        var message = Signed();
        Signers.DkimSign(message, TestKeys.Ed25519().Private, "amazonses.com", "none");
        Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", GoogleVerdict);
        var raw = Signers.ToBytes(message);

        var facts = await CreateSut().VerifyAsync(Signers.LoadTampered(raw, "Your AWS Abuse Report", "Your AWS Refund"), CancellationToken.None);

        Assert.That(facts.KeysUsed, Is.EquivalentTo(new[] { "arc-20240605._domainkey.google.com", "abuse2026._domainkey.amazon.com" }));
        Assert.That(facts.Dkim.Select(d => d.Outcome), Is.EqualTo(new[] { AuthOutcome.PermError, AuthOutcome.Fail }));
    }

    [Test]
    public async Task VerifyAsync_ManySignatures_ChecksOnlyTheFirstTen()
    {
        var message = SignedMessages.AbuseReport();
        for (var i = 0; i < MailAuthenticator.MaxDkimSignatures + 5; i++)
        {
            Signers.DkimSign(message, _amazon.Private, "amazon.com", "abuse2026");
        }

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Dkim, Has.Count.EqualTo(MailAuthenticator.MaxDkimSignatures + 5));
        Assert.That(facts.Dkim.Count(d => d.Outcome == AuthOutcome.Pass), Is.EqualTo(MailAuthenticator.MaxDkimSignatures));
        Assert.That(_locator.Lookups, Is.EqualTo(1), "the same key, asked for once");
    }

    [Test]
    public async Task VerifyAsync_NoSignatureNoArc_IsNone()
    {
        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(SignedMessages.AbuseReport())), CancellationToken.None);

        Assert.That(facts, Is.EqualTo(AuthenticationFacts.NotChecked with { Dkim = facts.Dkim }));
        Assert.That(facts.Dkim, Is.Empty);
        Assert.That(facts.ToString(), Is.EqualTo("arc=none; dkim=none"));
    }

    [Test]
    public async Task VerifyAsync_ArcSealedOnceByGoogle_PassesAndReadsOriginalFromArcI1()
    {
        var message = Signed();
        message.Headers.Add("X-Original-Authentication-Results", "mx.google.com; " + GoogleVerdict);
        Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", GoogleVerdict);

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Arc, Is.EqualTo(AuthOutcome.Pass));
        Assert.That(facts.ArcSealer, Is.EqualTo("google.com"));
        Assert.That(facts.Original, Is.Not.Null);
        Assert.That(facts.Original!.Source, Is.EqualTo("ARC-Authentication-Results i=1"));
        Assert.That((facts.Original.Dmarc, facts.Original.HeaderFrom, facts.Original.Spf), Is.EqualTo(("pass", "amazon.com", "pass")));
        Assert.That(facts.Original.DkimPassDomains, Is.EqualTo(new[] { "amazon.com" }));
    }

    [Test]
    public async Task VerifyAsync_ArcPassWithoutXOriginalAuthenticationResults_ReadsOriginalFromArcI1()
    {
        var message = Signed();
        Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", GoogleVerdict);

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Original?.Source, Is.EqualTo("ARC-Authentication-Results i=1"));
        Assert.That((facts.Original!.Dmarc, facts.Original.HeaderFrom), Is.EqualTo(("pass", "amazon.com")));
    }

    [Test]
    public async Task VerifyAsync_ForgedXOriginalAuthenticationResultsAboveTheGroupsOwn_ReadsTheSealedVerdict()
    {
        // The sender writes its own verdict; the group appends the real one below it and seals its own.
        var message = SignedMessages.AbuseReport("ec2-abuse@amaz0n.example");
        message.Headers.Add("X-Original-Authentication-Results", "mx.google.com; " + GoogleVerdict);
        message.Headers.Add("X-Original-Authentication-Results", "mx.google.com; dkim=none; spf=fail smtp.mailfrom=amaz0n.example; dmarc=fail header.from=amaz0n.example");
        Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", "dmarc=fail header.from=amaz0n.example");

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Arc, Is.EqualTo(AuthOutcome.Pass));
        Assert.That((facts.Original!.Dmarc, facts.Original.HeaderFrom), Is.EqualTo(("fail", "amaz0n.example")));
        Assert.That(facts.Original.DkimPassDomains, Is.Empty);
    }

    /// <summary>
    /// The seal does not cover <c>X-Original-Authentication-Results</c>: whoever holds one sealed message
    /// (their own mail through Gmail, from a look-alike or with a failing DMARC) can add a copy below the
    /// group's after sealing. Only the sealed <c>i=1</c> verdict counts.
    /// </summary>
    [TestCase("dmarc=fail header.from=amazon.com", "fail", TestName = "VerifyAsync_ForgedVerdictAppendedAfterTheSeal_SealedDmarcFailStands")]
    [TestCase("spf=pass smtp.mailfrom=example.net", "", TestName = "VerifyAsync_ForgedVerdictAppendedAfterTheSeal_NoSealedDmarcStaysNone")]
    public async Task VerifyAsync_ForgedVerdictAppendedAfterTheSeal_IsIgnored(string sealedVerdict, string expectedDmarc)
    {
        var message = SignedMessages.AbuseReport();
        Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", sealedVerdict);
        var raw = Signers.ToBytes(message);
        var forged = Signers.Load(raw);
        forged.Headers.Add("X-Original-Authentication-Results", "mx.google.com; dkim=pass header.i=@amazon.com; spf=pass smtp.mailfrom=amazon.com; dmarc=pass (p=QUARANTINE) header.from=amazon.com");

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(forged)), CancellationToken.None);

        Assert.That(facts.Arc, Is.EqualTo(AuthOutcome.Pass), "appending below the seal does not break the chain");
        Assert.That(facts.Original!.Dmarc, Is.EqualTo(expectedDmarc));
        Assert.That(facts.Original.DkimPassDomains, Is.Empty);
    }

    [Test]
    public async Task VerifyAsync_ArcSealedByTwoGroups_PassesWithTheNewestSealerAndTheFirstHopsVerdict()
    {
        var message = Signed();
        message.Headers.Add("X-Original-Authentication-Results", "mx.google.com; " + GoogleVerdict);
        Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", GoogleVerdict);
        var outer = TestKeys.Ed25519();
        _locator.Publish("groups.example", "arc1", outer);
        message.Headers.Add("X-Original-Authentication-Results", "mx.google.com; dkim=pass header.i=@example.com; dmarc=pass header.from=example.com");
        Signers.ArcSeal(message, outer.Private, "groups.example", "arc1", "arc=pass; dmarc=pass header.from=example.com");

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Arc, Is.EqualTo(AuthOutcome.Pass));
        Assert.That(facts.ArcSealer, Is.EqualTo("groups.example"));
        // Two sealing domains: the i=1 verdict is not the newest sealer's, so none is reported.
        Assert.That(facts.Original, Is.Null);
    }

    [Test]
    public async Task VerifyAsync_TwoGoogleGroups_ReadsTheAuthorsVerdictFromArcI1NotTheOuterGroupsHeader()
    {
        var message = Signed();
        message.Headers.Add("X-Original-Authentication-Results", "mx.google.com; " + GoogleVerdict);
        Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", GoogleVerdict);
        message.Headers.Add("X-Original-Authentication-Results", "mx.google.com; dkim=pass header.i=@example.com; dmarc=pass header.from=example.com");
        Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", "arc=pass; dkim=pass header.i=@example.com; dmarc=pass header.from=example.com");

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That((facts.Arc, facts.ArcSealer), Is.EqualTo((AuthOutcome.Pass, "google.com")));
        Assert.That(facts.Original?.Source, Is.EqualTo("ARC-Authentication-Results i=1"));
        Assert.That((facts.Original!.Dmarc, facts.Original.HeaderFrom), Is.EqualTo(("pass", "amazon.com")));
    }

    [TestCase("abusive activity", "harmless activity", TestName = "VerifyAsync_ArcSealedBodyTampered_FailsAndIgnoresForgedVerdict")]
    [TestCase("\tdkim=pass header.i=@amazon.com", "\tdkim=fail header.i=@amazon.com", TestName = "VerifyAsync_ArcAuthenticationResultsTampered_FailsAndIgnoresForgedVerdict")]
    public async Task VerifyAsync_ArcChainBroken_FailsAndIgnoresForgedVerdict(string find, string replace)
    {
        var message = Signed();
        message.Headers.Add("X-Original-Authentication-Results", "mx.google.com; " + GoogleVerdict);
        Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", GoogleVerdict);

        var facts = await CreateSut().VerifyAsync(Signers.LoadTampered(Signers.ToBytes(message), find, replace), CancellationToken.None);

        Assert.That(facts.Arc, Is.EqualTo(AuthOutcome.Fail));
        Assert.That(facts.ArcSealer, Is.Empty);
        Assert.That(facts.Original, Is.Null);
    }

    [Test]
    public async Task VerifyAsync_ArcKeyLookupTemporaryFailure_IsTempError()
    {
        var message = Signed();
        Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", GoogleVerdict);
        _locator.Fail("google.com", "arc-20240605", () => new DkimKeyTemporaryException("arc-20240605._domainkey.google.com: DNS error ServerFailure"));

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Arc, Is.EqualTo(AuthOutcome.TempError));
        Assert.That(facts.Original, Is.Null);
        Assert.That(facts.HasTemporaryError, Is.True);
    }

    [Test]
    public async Task VerifyAsync_ArcKeyUnknown_Fails()
    {
        var message = Signed();
        Signers.ArcSeal(message, _google.Private, "google.com", "no-such-selector", GoogleVerdict);

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Arc, Is.EqualTo(AuthOutcome.Fail));
    }

    [Test]
    public void VerifyAsync_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var message = Signed();
        Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", GoogleVerdict);

        Assert.That(async () => await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    /// <summary>Issue #11 §1: ten signatures and an ARC set in a zone that never answers cost one DNS timeout, off the caller's path.</summary>
    [Test]
    public async Task VerifyAsync_HostileMailWithOfflineLocator_ListsEveryKeyAtOnceWithoutAskingDns_ThenTempErrorFromTheCache()
    {
        using var dns = new TinyDnsServer();
        var message = SignedMessages.AbuseReport();
        var names = HostileMail.Sign(message, "never-answers.example");
        foreach (var name in names)
        {
            dns.Silent(name);
        }

        var locator = new DnsDkimPublicKeyLocator(new DnsDkimPublicKeyLocatorOptions { NameServers = [dns.EndPoint], Timeout = TimeSpan.FromMilliseconds(300), Retries = 0 }, TimeProvider.System);
        var sut = new MailAuthenticator(locator.Offline);
        var raw = Signers.ToBytes(message);

        var first = await sut.VerifyAsync(Signers.Load(raw), CancellationToken.None);

        Assert.That(first.MissingKeys, Is.EquivalentTo(names), "every key named, in one pass");
        Assert.That(names.Sum(dns.Questions), Is.Zero, "the offline pass asks nothing");
        Assert.That(first.Arc, Is.EqualTo(AuthOutcome.TempError));
        Assert.That(first.Dkim.Select(d => d.Outcome), Has.All.EqualTo(AuthOutcome.TempError));

        await locator.PrefetchAsync(first.MissingKeys);
        var second = await sut.VerifyAsync(Signers.Load(raw), CancellationToken.None);

        Assert.That(names.Select(dns.Questions), Has.All.EqualTo(1), "each key asked once, all at the same time");
        Assert.That(second.MissingKeys, Is.Empty);
        Assert.That(second.HasTemporaryError, Is.True);
        Assert.That(second.Dkim.Select(d => d.Detail), Has.All.Contains("DNS timeout"));
    }

    [Test]
    public async Task VerifyAsync_MoreArcSetsThanTheCap_IsPermErrorWithoutLookups()
    {
        var message = Signed();
        for (var i = 0; i <= MailAuthenticator.MaxArcSets; i++)
        {
            Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", GoogleVerdict);
        }

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Arc, Is.EqualTo(AuthOutcome.PermError));
        Assert.That(_locator.Lookups, Is.EqualTo(1), "only the DKIM signature's key");
    }

    [Test]
    public async Task VerifyAsync_ArcSetsUpToTheCap_AreChecked()
    {
        var message = Signed();
        for (var i = 0; i < MailAuthenticator.MaxArcSets; i++)
        {
            Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", GoogleVerdict);
        }

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Arc, Is.EqualTo(AuthOutcome.Pass));
    }

    [Test]
    public async Task VerifyAsync_MoreDistinctKeysThanTheCap_LooksUpOnlyTheFirstAndArcComesFirst()
    {
        var message = SignedMessages.AbuseReport();
        for (var i = 0; i < MailAuthenticator.MaxDkimSignatures; i++)
        {
            _locator.Publish("amazon.com", $"k{i}", _amazon);
            Signers.DkimSign(message, _amazon.Private, "amazon.com", $"k{i}");
        }

        for (var i = 0; i < MailAuthenticator.MaxArcSets; i++)
        {
            _locator.Publish("google.com", $"arc{i}", _google);
            Signers.ArcSeal(message, _google.Private, "google.com", $"arc{i}", GoogleVerdict);
        }

        var facts = await CreateSut().VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Arc, Is.EqualTo(AuthOutcome.Pass), "the chain's keys are looked up first");
        Assert.That(_locator.Lookups, Is.EqualTo(MailAuthenticator.MaxKeyLookups), "16 distinct keys, each asked for once");
        var refused = MailAuthenticator.MaxArcSets + MailAuthenticator.MaxDkimSignatures - MailAuthenticator.MaxKeyLookups;
        Assert.That(facts.Dkim.Count(d => d.Outcome == AuthOutcome.PermError && d.Detail!.Contains("more than", StringComparison.Ordinal)), Is.EqualTo(refused));
    }

    [Test]
    public async Task VerifyAsync_KeysNotLookedUpYet_TempErrorWithoutReadingTheBody()
    {
        // Before: each signature hashed the whole body before asking for its key: ten signatures on a 24 MB
        // message cost 3 s of the decision path's CPU, only to learn the keys were not there yet.
        var message = Signed();
        Signers.DkimSign(message, _amazon.Private, "amazon.com", "abuse2026");
        Signers.ArcSeal(message, _google.Private, "google.com", "arc-20240605", GoogleVerdict);
        var notCached = new InMemoryKeyLocator()
            .Fail("amazon.com", "abuse2026", () => new DkimKeyNotCachedException("abuse2026._domainkey.amazon.com"))
            .Fail("google.com", "arc-20240605", () => new DkimKeyNotCachedException("arc-20240605._domainkey.google.com"));
        var (loaded, read) = LoadCountingReads(Signers.ToBytes(message));

        var facts = await new MailAuthenticator(notCached).VerifyAsync(loaded, CancellationToken.None);

        Assert.That(facts.Arc, Is.EqualTo(AuthOutcome.TempError));
        Assert.That(facts.Dkim.Select(d => d.Outcome), Has.All.EqualTo(AuthOutcome.TempError));
        Assert.That(facts.MissingKeys, Is.EquivalentTo(new[] { "arc-20240605._domainkey.google.com", "abuse2026._domainkey.amazon.com" }));
        Assert.That(read(), Is.Zero, "nothing of the message read again: no body hashed");
    }

    [Test]
    public async Task VerifyAsync_KeysAtHand_ReadsTheBody()
    {
        var (loaded, read) = LoadCountingReads(Signers.ToBytes(Signed()));

        var facts = await CreateSut().VerifyAsync(loaded, CancellationToken.None);

        Assert.That(facts.Dkim.Single().Outcome, Is.EqualTo(AuthOutcome.Pass));
        Assert.That(read(), Is.Positive, "the control: hashing reads the body");
    }

    [Test]
    public async Task VerifyAsync_ManySignaturesOnALargeBody_HashesItOnlyUpToTheBudget()
    {
        var message = SignedMessages.AbuseReport();
        message.Body = new TextPart("plain") { Text = string.Concat(Enumerable.Repeat(new string('x', 98) + "\r\n", 1000)) }; // 100,000 bytes
        for (var i = 0; i < MailAuthenticator.MaxDkimSignatures; i++)
        {
            Signers.DkimSign(message, _amazon.Private, "amazon.com", "abuse2026");
        }

        var facts = await new MailAuthenticator(_locator, maxDkimBodyBytes: 250_000).VerifyAsync(Signers.Load(Signers.ToBytes(message)), CancellationToken.None);

        Assert.That(facts.Dkim.Select(d => d.Outcome), Is.EqualTo(new[] { AuthOutcome.Pass, AuthOutcome.Pass }.Concat(Enumerable.Repeat(AuthOutcome.PermError, 8))));
        Assert.That(facts.Dkim[2].Detail, Does.StartWith("not checked: the body was hashed for the signatures before it (").And.EndsWith("bytes; at most 250000 a message)"));
    }

    /// <summary>Loads <paramref name="raw"/> as the gateway does, and a function counting the bytes read from it since.</summary>
    private static (MimeMessage Message, Func<long> ReadSince) LoadCountingReads(byte[] raw)
    {
        var stream = new ReadCountingStream(raw);
        var message = MimeMessage.Load(stream, persistent: true);
        var loaded = stream.BytesRead;
        return (message, () => stream.BytesRead - loaded);
    }

    private sealed class ReadCountingStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override int Read(Span<byte> buffer)
        {
            var read = base.Read(buffer);
            BytesRead += read;
            return read;
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            var read = await base.ReadAsync(buffer.AsMemory(offset, count), cancellationToken);
            BytesRead += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            BytesRead += read;
            return read;
        }
    }

    private MailAuthenticator CreateSut() => new(_locator);

    private MimeMessage Signed()
    {
        var message = SignedMessages.AbuseReport();
        Signers.DkimSign(message, _amazon.Private, "amazon.com", "abuse2026");
        return message;
    }
}
