
using MailGate.Core.Files;
using MailGate.Core.Spool;

namespace MailGate.Core.Tests.Spool;

/// <summary>Entry kinds are judged without following links; FIFOs are told from files (statx on Linux).</summary>
[TestFixture]
public sealed class EntryKindsTests
{
    private string _folder = null!;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mailgate-spool-tests", Guid.NewGuid().ToString("N"))).FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [TestCase("file", nameof(EntryKind.File))]
    [TestCase("folder", nameof(EntryKind.Directory))]
    [TestCase("link-to-file", nameof(EntryKind.Link))]
    [TestCase("link-to-folder", nameof(EntryKind.Link))]
    [TestCase("dangling-link", nameof(EntryKind.Link))]
    [TestCase("fifo", nameof(EntryKind.Other))]
    [TestCase("missing", nameof(EntryKind.Missing))]
    [TestCase("file/below-a-file", nameof(EntryKind.Missing))]
    public void Of_Table(string name, string expected)
    {
        File.WriteAllText(Path.Combine(_folder, "file"), "x");
        Directory.CreateDirectory(Path.Combine(_folder, "folder"));
        File.CreateSymbolicLink(Path.Combine(_folder, "link-to-file"), Path.Combine(_folder, "file"));
        Directory.CreateSymbolicLink(Path.Combine(_folder, "link-to-folder"), Path.Combine(_folder, "folder"));
        File.CreateSymbolicLink(Path.Combine(_folder, "dangling-link"), Path.Combine(_folder, "nothing"));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(_folder, "fifo")]))
        {
            mkfifo.WaitForExit();
        }

        Assert.That(EntryKinds.Of(Path.Combine(_folder, name)).ToString(), Is.EqualTo(expected));
    }

    [Test]
    public void IdentityOf_FileReplacedByANewOne_Differs()
    {
        var path = Path.Combine(_folder, "a");
        File.WriteAllText(path, "x");
        var before = EntryKinds.IdentityOf(path);
        using var held = File.OpenRead(path); // as the spool lock holds its file: the inode stays taken

        File.Delete(path);
        File.WriteAllText(path, "x");

        Assert.That(before, Is.Not.Null);
        Assert.That(EntryKinds.IdentityOf(path), Is.Not.EqualTo(before));
        Assert.That(EntryKinds.IdentityOf(Path.Combine(_folder, "missing")), Is.Null);
    }
}
