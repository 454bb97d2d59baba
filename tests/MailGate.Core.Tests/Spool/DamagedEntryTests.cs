using MailGate.Core.Messages;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Tests.Shared;

namespace MailGate.Core.Tests.Spool;

/// <summary>
/// Issue #11 §4 "Symlinks in the spool are followed": only plain message folders are messages. Links,
/// stray files, FIFOs and folders of the wrong shape are never read; the owner moves those it meets in
/// <c>active/</c> to <c>corrupt/</c> (without following them), a shared store (the CLI) moves nothing.
/// </summary>
[TestFixture]
public sealed class DamagedEntryTests
{
    private const string Id = "019a7f3c2b10-5e0c9a1f";
    private static readonly DateTimeOffset Received = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private string _root = null!;
    private string _outside = null!;

    [SetUp]
    public void SetUp()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mailgate-spool-tests", Guid.NewGuid().ToString("N"));
        _root = Path.Combine(folder, "spool");
        _outside = Directory.CreateDirectory(Path.Combine(folder, "outside")).FullName;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(Path.GetDirectoryName(_root)!, recursive: true);

    private static Envelope Mail => Envelope.ForMail("a@example.com", ["b@example.com"], Received, null, null);

    private string Active => Path.Combine(_root, "active");

    /// <summary>A complete message folder at <paramref name="path"/>: envelope.json and message.eml.</summary>
    private static string WriteMessageFolder(string path)
    {
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "envelope.json"), """{"mail_from":"a@example.com","recipients":["b@example.com"],"received_at":"2026-11-28T12:00:00+00:00"}""");
        File.WriteAllText(Path.Combine(path, "message.eml"), "Subject: from outside\r\n\r\nbody\r\n");
        return path;
    }

    /// <summary>Puts an entry of the given shape into active/ (the outside folder plays the foreign target); returns its name.</summary>
    private string Plant(string shape)
    {
        var entry = Path.Combine(Active, Id);
        switch (shape)
        {
            case "link to a message folder outside":
                Directory.CreateSymbolicLink(entry, WriteMessageFolder(Path.Combine(_outside, "message")));
                break;
            case "link to a file outside":
                File.WriteAllText(Path.Combine(_outside, "file"), "x");
                File.CreateSymbolicLink(entry, Path.Combine(_outside, "file"));
                break;
            case "dangling link":
                File.CreateSymbolicLink(entry, Path.Combine(_outside, "nothing"));
                break;
            case "regular file":
                File.WriteAllText(entry, "not a folder");
                break;
            case "fifo":
                MakeFifo(entry);
                break;
            case "message.eml is a link":
                WriteMessageFolder(entry);
                File.Delete(Path.Combine(entry, "message.eml"));
                File.WriteAllText(Path.Combine(_outside, "secret"), "Subject: secret\r\n\r\n");
                File.CreateSymbolicLink(Path.Combine(entry, "message.eml"), Path.Combine(_outside, "secret"));
                break;
            case "envelope.json is a link":
                var foreign = WriteMessageFolder(Path.Combine(_outside, "message"));
                WriteMessageFolder(entry);
                File.Delete(Path.Combine(entry, "envelope.json"));
                File.CreateSymbolicLink(Path.Combine(entry, "envelope.json"), Path.Combine(foreign, "envelope.json"));
                break;
            case "state.json is a link":
                WriteMessageFolder(entry);
                File.WriteAllText(Path.Combine(_outside, "state"), "{}");
                File.CreateSymbolicLink(Path.Combine(entry, "state.json"), Path.Combine(_outside, "state"));
                break;
            case "state.json.tmp is a link":
                WriteMessageFolder(entry);
                File.CreateSymbolicLink(Path.Combine(entry, "state.json.tmp"), Path.Combine(_outside, "victim"));
                break;
            case "case.json is a link":
                Directory.CreateDirectory(entry);
                File.WriteAllText(Path.Combine(entry, "envelope.json"), """{"mail_from":"","recipients":[],"received_at":"2026-11-28T12:00:00+00:00","case":{"account_id":"123456789012","account_name":"","account_email":"","language":"en"}}""");
                File.WriteAllText(Path.Combine(_outside, "case"), "{}");
                File.CreateSymbolicLink(Path.Combine(entry, "case.json"), Path.Combine(_outside, "case"));
                break;
            case "envelope.json is a fifo":
                WriteMessageFolder(entry);
                File.Delete(Path.Combine(entry, "envelope.json"));
                MakeFifo(Path.Combine(entry, "envelope.json"));
                break;
            case "state.json is a folder":
                Directory.CreateDirectory(Path.Combine(WriteMessageFolder(entry), "state.json"));
                break;
            case "no message.eml":
                File.Delete(Path.Combine(WriteMessageFolder(entry), "message.eml"));
                break;
            case "no envelope.json":
                File.Delete(Path.Combine(WriteMessageFolder(entry), "envelope.json"));
                break;
            case "envelope.json is not JSON":
                File.WriteAllText(Path.Combine(WriteMessageFolder(entry), "envelope.json"), "{ truncated");
                break;
            case "envelope.json is {}":
                File.WriteAllText(Path.Combine(WriteMessageFolder(entry), "envelope.json"), "{}");
                break;
            case "envelope.json has recipients null":
                File.WriteAllText(Path.Combine(WriteMessageFolder(entry), "envelope.json"), """{"mail_from":"a@example.com","recipients":null,"received_at":"2026-11-28T12:00:00+00:00"}""");
                break;
            case "envelope.json has a null recipient":
                File.WriteAllText(Path.Combine(WriteMessageFolder(entry), "envelope.json"), """{"mail_from":"a@example.com","recipients":[null],"received_at":"2026-11-28T12:00:00+00:00"}""");
                break;
            case "envelope.json has mail_from null":
                File.WriteAllText(Path.Combine(WriteMessageFolder(entry), "envelope.json"), """{"mail_from":null,"recipients":["b@example.com"],"received_at":"2026-11-28T12:00:00+00:00"}""");
                break;
            case "envelope.json has an empty case":
                Directory.CreateDirectory(entry);
                File.WriteAllText(Path.Combine(entry, "envelope.json"), """{"mail_from":"","recipients":[],"received_at":"2026-11-28T12:00:00+00:00","case":{}}""");
                File.WriteAllText(Path.Combine(entry, "case.json"), "{}");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape), shape, null);
        }

        return Id;
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.That(mkfifo.ExitCode, Is.Zero, "mkfifo");
    }

    [TestCase("link to a message folder outside", "symbolic link")]
    [TestCase("link to a file outside", "symbolic link")]
    [TestCase("dangling link", "symbolic link")]
    [TestCase("regular file", "not a folder")]
    [TestCase("fifo", "not a folder")]
    [TestCase("message.eml is a link", "message.eml is a symbolic link")]
    [TestCase("envelope.json is a link", "envelope.json is a symbolic link")]
    [TestCase("state.json is a link", "state.json is a symbolic link")]
    [TestCase("state.json.tmp is a link", "state.json.tmp is a symbolic link")]
    [TestCase("case.json is a link", "case.json is a symbolic link")]
    [TestCase("envelope.json is a fifo", "envelope.json is not a regular file")]
    [TestCase("state.json is a folder", "state.json is not a regular file")]
    [TestCase("no message.eml", "message.eml is missing")]
    [TestCase("no envelope.json", "envelope.json is missing")]
    [TestCase("envelope.json is not JSON", "envelope.json is not valid")]
    [TestCase("envelope.json is {}", "envelope.json is not valid: mail_from is missing")] // valid JSON, nothing in it: a NullReferenceException at every scan before
    [TestCase("envelope.json has recipients null", "envelope.json is not valid: recipients is missing")]
    [TestCase("envelope.json has a null recipient", "envelope.json is not valid: recipients holds null")]
    [TestCase("envelope.json has mail_from null", "envelope.json is not valid: mail_from is missing")]
    [TestCase("envelope.json has an empty case", "envelope.json is not valid: case lacks its account or language")]
    public async Task Open_DamagedEntry_Owner_IsNull_MovesItToCorruptUnfollowed_AndSaysWhy(string shape, string problem)
    {
        using var sut = new SpoolStore(_root, exclusive: true);
        var quarantined = new List<DamagedEntry>();
        sut.Quarantined += (_, entry) => quarantined.Add(entry);
        var name = Plant(shape);
        var outsideBefore = Snapshot(_outside);

        var opened = await Task.Run(() => sut.Open(SpoolArea.Active, name)).WaitAsync(TimeSpan.FromSeconds(10)); // a FIFO must never be opened

        using (Assert.EnterMultipleScope())
        {
            Assert.That(opened, Is.Null);
            Assert.That(Directory.EnumerateFileSystemEntries(Active), Is.Empty, "moved out of active/");
            Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "corrupt")).Select(Path.GetFileName), Is.EqualTo(new[] { name }));
            Assert.That(quarantined.Select(e => (e.Area, e.Name)), Is.EqualTo(new[] { (SpoolArea.Active, name) }));
            Assert.That(quarantined.Single().Problem, Does.Contain(problem));
            Assert.That(Snapshot(_outside), Is.EqualTo(outsideBefore), "nothing outside the spool was touched, read or moved");
        }
    }

    [TestCase("link to a message folder outside")]
    [TestCase("message.eml is a link")]
    [TestCase("regular file")]
    [TestCase("no envelope.json")]
    public void ListFindScan_DamagedEntry_Shared_SkipsIt_AndMovesNothing(string shape)
    {
        var sut = new SpoolStore(_root);
        var name = Plant(shape);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sut.List(SpoolArea.Active), Is.Empty);
            Assert.That(sut.Open(SpoolArea.Active, name), Is.Null);
            Assert.That(sut.Find(name), Is.Null, "the CLI's show and retry never follow it");
            Assert.That(sut.Scan(SpoolArea.Active).Damaged.Select(d => d.Name), Is.EqualTo(new[] { name }));
            Assert.That(Path.Exists(Path.Combine(Active, name)), Is.True, "only the owner moves entries");
            Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "corrupt")), Is.Empty);
        }
    }

    [TestCase("hello")]
    [TestCase("019A7F3C2B10-5E0C9A1F")] // upper-case hex: not an id this gateway makes
    [TestCase("ffffffffffff-ffffffff")] // after year 9999: its time cannot be read (spool purge and /metrics threw on it)
    [TestCase("e677d21fdc00-00000000")] // the first millisecond past DateTimeOffset.MaxValue
    [TestCase("019a7f3c2b10-5e0c9a1f-copy")]
    public async Task Ids_NameNotASpoolId_Owner_MovesItToCorrupt_GoodOnesStay(string name)
    {
        using var sut = new SpoolStore(_root, exclusive: true);
        var quarantined = new List<DamagedEntry>();
        sut.Quarantined += (_, entry) => quarantined.Add(entry);
        var good = await sut.CommitAsync(Mail, Segments.Of("x"), CancellationToken.None);
        WriteMessageFolder(Path.Combine(Active, name));

        var ids = sut.Ids(SpoolArea.Active);

        Assert.That(ids, Is.EqualTo(new[] { good.Id }));
        Assert.That(quarantined.Select(e => (e.Name, e.Problem)), Is.EqualTo(new[] { (name, "its name is not a spool id") }));
        Assert.That(Directory.Exists(Path.Combine(_root, "corrupt", name)), Is.True);
    }

    [Test]
    public async Task Ids_Shared_LeavesForeignNamesWhereTheyAre()
    {
        var sut = new SpoolStore(_root);
        var good = await sut.CommitAsync(Mail, Segments.Of("x"), CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(Active, "hello"));

        Assert.That(sut.Ids(SpoolArea.Active), Is.EqualTo(new[] { good.Id }));
        Assert.That(Directory.Exists(Path.Combine(Active, "hello")), Is.True);
    }

    [Test]
    public void Ids_DotNames_AreLeftAlone()
    {
        using var sut = new SpoolStore(_root, exclusive: true);
        File.WriteAllText(Path.Combine(Active, ".nfs000123"), "");

        Assert.That(sut.Ids(SpoolArea.Active), Is.Empty);
        Assert.That(File.Exists(Path.Combine(Active, ".nfs000123")), Is.True);
    }

    [Test]
    public async Task Recover_EveryDamagedShape_IsSetAside_TheGoodMessageIsListed()
    {
        var sut = new SpoolStore(_root);
        var good = await sut.CommitAsync(Mail, Segments.Of("x"), CancellationToken.None);
        Directory.CreateSymbolicLink(Path.Combine(Active, "019a00000000-00000001"), WriteMessageFolder(Path.Combine(_outside, "message")));
        File.WriteAllText(Path.Combine(Active, "019a00000000-00000002"), "file");
        var linkInside = WriteMessageFolder(Path.Combine(Active, "019a00000000-00000003"));
        File.Delete(Path.Combine(linkInside, "message.eml"));
        File.CreateSymbolicLink(Path.Combine(linkInside, "message.eml"), Path.Combine(_outside, "message", "message.eml"));
        Directory.CreateDirectory(Path.Combine(Active, "not-an-id"));

        var recovery = sut.Recover();

        Assert.That(recovery.Corrupt, Is.EquivalentTo(new[] { "019a00000000-00000001", "019a00000000-00000002", "019a00000000-00000003", "not-an-id" }));
        Assert.That(sut.List(SpoolArea.Active).Select(m => m.Id), Is.EqualTo(new[] { good.Id }));
        Assert.That(new FileInfo(Path.Combine(_root, "corrupt", "019a00000000-00000001")).LinkTarget, Is.Not.Null, "the link itself was moved");
        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(_outside, "message")).Select(Path.GetFileName), Is.EquivalentTo(new[] { "envelope.json", "message.eml" }));
    }

    /// <summary>Only folders were deleted from incoming/: a file, a FIFO, a dangling link or a readiness probe left there stayed forever.</summary>
    [Test]
    public void Recover_IncomingHoldsAnyShape_AllIsDeleted_NothingOutsideIsTouched()
    {
        var sut = new SpoolStore(_root);
        var incoming = Path.Combine(_root, "incoming");
        WriteMessageFolder(Path.Combine(incoming, "019a00000000-00000001"));
        Directory.CreateSymbolicLink(Path.Combine(incoming, "019a00000000-00000002"), WriteMessageFolder(Path.Combine(_outside, "message")));
        File.WriteAllText(Path.Combine(incoming, "019a00000000-00000003"), "file");
        MakeFifo(Path.Combine(incoming, "019a00000000-00000004"));
        File.CreateSymbolicLink(Path.Combine(incoming, "019a00000000-00000005"), Path.Combine(_outside, "nothing"));
        File.WriteAllText(Path.Combine(incoming, ".ready-0123"), "probe");
        var outsideBefore = Snapshot(_outside);

        var recovery = sut.Recover();

        Assert.That(recovery.DiscardedIncoming, Is.EqualTo(6));
        Assert.That(Directory.EnumerateFileSystemEntries(incoming), Is.Empty);
        Assert.That(Snapshot(_outside), Is.EqualTo(outsideBefore), "a link is deleted, not what it points to");
    }

    [Test]
    public void Open_DamagedEntryCannotBeMoved_RaisesQuarantineFailed_AndStaysUnread()
    {
        using var sut = new SpoolStore(_root, exclusive: true);
        var failed = new List<QuarantineFailedEventArgs>();
        sut.QuarantineFailed += (_, e) => failed.Add(e);
        var name = Plant("link to a message folder outside");
        Directory.Delete(Path.Combine(_root, "corrupt"));
        File.WriteAllText(Path.Combine(_root, "corrupt"), "not a folder");

        Assert.That(sut.Open(SpoolArea.Active, name), Is.Null);
        Assert.That(failed.Select(e => e.Entry.Name), Is.EqualTo(new[] { name }));
        Assert.That(failed.Single().Error, Is.Not.Empty);
    }

    [Test]
    public async Task Open_ProperMessage_Owner_IsOpened_AndStays()
    {
        using var sut = new SpoolStore(_root, exclusive: true);
        var message = await sut.CommitAsync(Mail, Segments.Of("x"), CancellationToken.None);
        SpoolStore.WriteState(message, new ProcessingState { Subject = "s" });

        Assert.That(sut.Open(SpoolArea.Active, message.Id)?.Id, Is.EqualTo(message.Id));
        Assert.That(sut.List(SpoolArea.Active).Select(m => m.Id), Is.EqualTo(new[] { message.Id }));
        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "corrupt")), Is.Empty);
    }

    /// <summary>Every path under <paramref name="folder"/> with its length and write time.</summary>
    private static string[] Snapshot(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => $"{p} {(File.Exists(p) ? new FileInfo(p).Length : -1)} {File.GetLastWriteTimeUtc(p):O}")];
}
