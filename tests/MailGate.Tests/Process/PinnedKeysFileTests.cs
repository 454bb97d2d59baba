using MailGate.Core.Spool;
using MailGate.Process;
using MailGate.Spool;

namespace MailGate.Tests.Process;

[TestFixture]
public sealed class PinnedKeysFileTests
{
    private string _folder = null!;
    private SpoolStore _spool = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        _spool = new SpoolStore(_folder);
    }

    [TearDown]
    public void TearDown()
    {
        _spool.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string FilePath => Path.Combine(_folder, PinnedKeysFile.FileName);

    [Test]
    public void SaveThenLoad_GivesTheNamesBack()
    {
        var sut = new PinnedKeysFile(_spool);

        sut.Save(["arc-20240605._domainkey.google.com", "20230601._domainkey.example.com"]);

        Assert.That(sut.Load(), Is.EqualTo(new[] { "arc-20240605._domainkey.google.com", "20230601._domainkey.example.com" }));
    }

    [TestCase(null, TestName = "Load_NoFile_IsEmpty")]
    [TestCase("not json", TestName = "Load_NotJson_IsEmpty")]
    [TestCase("{\"a\":1}", TestName = "Load_NotAList_IsEmpty")]
    [TestCase("[\"no-domainkey.example.com\", \"UPPER._domainkey.example.com\", \"x._domainkey.exa mple.com\", null]", TestName = "Load_NamesThatAreNotKeyNames_AreLeftOut")]
    public void Load_UnusableFile_IsEmpty(string? content)
    {
        if (content is not null)
        {
            File.WriteAllText(FilePath, content);
        }

        Assert.That(new PinnedKeysFile(_spool).Load(), Is.Empty);
    }

    [Test]
    public void Load_ALinkInThePlaceOfTheFile_IsNotFollowed()
    {
        var elsewhere = Path.Combine(_folder, "elsewhere.json");
        File.WriteAllText(elsewhere, "[\"s._domainkey.evil.example\"]");
        File.CreateSymbolicLink(FilePath, elsewhere);

        Assert.That(new PinnedKeysFile(_spool).Load(), Is.Empty);
    }
}
