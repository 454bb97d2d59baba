using MailGate.Core.Messages;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Text;

namespace MailGate.Core.Tests.Storage;

/// <summary>
/// A spool written before the storage seam (tests/Fixtures/spool-v1, by commit 84694c0's <c>SpoolStore</c>)
/// reads through the seam as it was written: envelopes without <c>source</c>, support cases in <c>case</c>,
/// states, cursors and pinned keys.
/// </summary>
[TestFixture]
public sealed class SpoolCompatibilityTests
{
    private static readonly DateTimeOffset Received = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private string _root = null!;
    private SpoolStore _spool = null!;
    private IMessageStorage Storage => _spool;

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "mailgate-spool-v1", Guid.NewGuid().ToString("N"));
        var fixture = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "spool-v1");
        foreach (var file in Directory.EnumerateFiles(fixture, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_root, Path.GetRelativePath(fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        _spool = new SpoolStore(_root, exclusive: true);
    }

    [TearDown]
    public void TearDown()
    {
        _spool.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public void Recover_OldSpool_NothingDiscardedNothingDamaged()
    {
        var recovery = Storage.Recover();

        Assert.That(recovery.DiscardedIncoming, Is.Zero);
        Assert.That(recovery.Corrupt, Is.Empty);
        Assert.That(Storage.UnfinishedIds(), Is.EqualTo(new[] { "01a22206ca00-3ecaeace", "01a22206cde8-9e1f31ad", "01a22206d1d0-1b40ca0b" }));
    }

    [Test]
    public void ClaimUnfinished_OldMailEnvelope_ReadsAsMailWithEveryField()
    {
        var mail = Storage.ClaimUnfinished()[0];

        Assert.That(mail.Envelope, Is.EqualTo(Envelope.ForMail("bounce@example.com", mail.Envelope.Mail!.Recipients, Received, "192.0.2.1", "session-1")));
        Assert.That(mail.Envelope.Mail!.Recipients, Is.EqualTo(new[] { "aws-abuse@mailgate.example.com", "other@mailgate.example.com" }));
        Assert.That(Storage.ReadState(mail).IsDecided, Is.False);
        using var content = new StreamReader(Storage.OpenContent(mail), Encoding.UTF8);
        Assert.That(content.ReadToEnd(), Does.StartWith("From: AWS <ec2-abuse@amazon.com>\r\n"));
    }

    [Test]
    public void ClaimUnfinished_OldDecidedMail_StateWithItsPendingDelivery()
    {
        var mail = Storage.ClaimUnfinished()[1];

        Assert.That(mail.Envelope.Mail!.MailFrom, Is.Empty);
        Assert.That(mail.Envelope.Mail!.ClientAddress, Is.EqualTo("2001:db8::1"));
        var delivery = Storage.ReadState(mail).Deliveries.Single();
        Assert.That((delivery.Status, delivery.Attempts, delivery.Event.DedupKey), Is.EqualTo((DeliveryStatus.Pending, 2, "mailgate-aws-abuse-report-2")));
        Assert.That(delivery.LastError, Is.EqualTo("HTTP 503"));
    }

    [Test]
    public void ClaimUnfinished_OldSupportCaseEnvelope_ReadsAsASupportCaseOrigin()
    {
        var supportCase = Storage.ClaimUnfinished()[2];

        Assert.That(supportCase.Envelope.Origin, Is.EqualTo(new SupportCaseOrigin("123456789012", "prod-payments", "root@example.com", "ja", Resolve: true)));
        Assert.That(supportCase.Envelope.ReceivedAt, Is.EqualTo(Received.AddSeconds(2)));
        using var content = new StreamReader(Storage.OpenContent(supportCase), Encoding.UTF8);
        Assert.That(content.ReadToEnd(), Does.Contain("\"caseId\": \"case-210987654321-muen-2026-0a1b2c3d4e5f6a7b\""));
    }

    [Test]
    public void List_OldDeadAndDone_StatesAsWritten()
    {
        var dead = Storage.List(SpoolArea.Dead);
        var done = Storage.List(SpoolArea.Done);

        Assert.That(dead.Messages.Select(e => e.Message.Id), Is.EqualTo(new[] { "01a22206d5b8-2558f58e", "01a22206d9a0-6434a6f5" }));
        Assert.That(dead.Messages[0].State!.Deliveries.Select(d => (d.Rule, d.Status)), Is.EqualTo(new[] { ("aws-abuse-report", DeliveryStatus.Rejected), ("aws-abuse-copy", DeliveryStatus.Delivered) }));
        Assert.That(dead.Messages[1].State!.Error, Is.EqualTo("cannot parse: not a MIME message"));
        Assert.That(done.Messages.Select(e => e.Message.Id), Is.EqualTo(new[] { "01a22206dd88-dc852345", "01a22206e170-22ac6dd4" }));
        Assert.That(done.Messages[1].Message.Envelope.SupportCase!.Language, Is.EqualTo("en"));
        Assert.That(done.Messages[1].State!.DroppedBy, Is.EqualTo("everything-else"));
        Assert.That(dead.Damaged.Concat(done.Damaged), Is.Empty);
    }

    [Test]
    public void Requeue_OldDeadLetter_RejectedPendingAgainDeliveredKept()
    {
        Assert.That(Storage.Requeue("01a22206d5b8-2558f58e", Received.AddDays(1)).Result, Is.EqualTo(RequeueResult.Requeued));

        var state = Storage.ReadState(Storage.Claim("01a22206d5b8-2558f58e")!);
        Assert.That(state.Deliveries.Select(d => (d.Event.DedupKey, d.Status)), Is.EqualTo(new[] { ("mailgate-aws-abuse-report-4", DeliveryStatus.Pending), ("mailgate-aws-abuse-copy-4", DeliveryStatus.Delivered) }));
    }

    [Test]
    public void CursorsAndPinnedKeys_OldFiles_ReadThroughTheSeam()
    {
        var cursor = Encoding.UTF8.GetString(Storage.Cursors("support-cases").Read("123456789012")!);
        var pinned = Encoding.UTF8.GetString(Storage.ReadFeatureState("pinned-keys")!);

        Assert.That(cursor, Does.Contain("\"newest\": \"2026-11-28T14:00:00+00:00\""));
        Assert.That(pinned, Is.EqualTo("[\"20230601._domainkey.google.com\",\"arc-20160816._domainkey.google.com\"]"));
    }
}
