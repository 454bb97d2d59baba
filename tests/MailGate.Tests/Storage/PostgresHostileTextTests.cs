using MailGate.Core.Decide;
using MailGate.Core.Messages;
using MailGate.Core.Rules;
using MailGate.Core.Storage;
using MailGate.Tests.Shared;
using System.Globalization;

namespace MailGate.Tests.Storage;

/// <summary>
/// Attacker text on its way into PostgreSQL: a NUL (which <c>text</c> refuses), a value too long for a b-tree index
/// row, a lone surrogate, SQL quotes. Every column that takes such text (the untrusted sender count, the envelope,
/// the state) stores it, so that a hostile message is decided like any other instead of failing on every attempt
/// (before the fix, a NUL or an 8 KB sender made the shared untrusted limits look unreachable forever).
/// </summary>
[TestFixture]
public sealed class PostgresHostileTextTests : PostgresDatabaseTest
{
    private static readonly string LongAddress =
        string.Concat(Enumerable.Range(0, 2000).Select(i => (i * 7919 % 10007).ToString("x4", CultureInfo.InvariantCulture))) + "@example.net";

    private static readonly string[] Hostile =
        ["ab\0use@example.net", LongAddress, "ab\ud800use@example.net", "o'brien\"; DROP TABLE mailgate.messages;--@example.net", "\0"];

    [TestCaseSource(nameof(Hostile))]
    public void TryAcquire_HostileSender_CountedAndLimitedLikeAnyOther(string sender)
    {
        using var storageA = Open();
        using var storageB = Open();
        IUntrustedLimiter[] replicas = [storageA.UntrustedLimiter(), storageB.UntrustedLimiter()];

        var verdicts = Enumerable.Range(0, 5).Select(i => replicas[i % 2].TryAcquire(sender, $"198.51.{i}.7", UntrustedTreatment.Default)).ToArray();

        Assert.That(verdicts, Is.All.EqualTo(UntrustedVerdict.Allowed));
        Assert.That(replicas[1].TryAcquire(sender.ToLowerInvariant(), "203.0.113.1", UntrustedTreatment.Default), Is.EqualTo(UntrustedVerdict.SenderLimited), "the same sender on the other replica");
        Assert.That(replicas[0].TryAcquire(sender + "x", "203.0.113.2", UntrustedTreatment.Default), Is.EqualTo(UntrustedVerdict.Allowed), "another sender is counted apart");
    }

    [TestCaseSource(nameof(Hostile))]
    public async Task CommitAndWriteState_HostileText_StoredAndClaimable(string text)
    {
        using var storage = Open();
        var message = await storage.CommitAsync(Envelope.ForMail(text, [text], DateTimeOffset.UtcNow, "192.0.2.1", text), Segments.Of("Subject: \0x"), CancellationToken.None);
        storage.WriteState(message, new ProcessingState { Sender = text, Subject = text, MessageId = text, Error = text });

        Assert.That(storage.ReadState(message).Sender, Is.EqualTo(text.Replace("\ud800", "\ufffd", StringComparison.Ordinal)));
        Assert.That(storage.ClaimUnfinished().Select(m => m.Id), Does.Contain(message.Id));
        Assert.That(storage.Find(message.Id)?.Message.Envelope.Mail?.MailFrom, Is.Not.Null);
    }
}
