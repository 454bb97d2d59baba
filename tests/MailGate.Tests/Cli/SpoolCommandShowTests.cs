using MailGate.Cli;

namespace MailGate.Tests.Cli;

/// <summary>
/// <c>mailgate spool show</c> prints the same sections, under the same headings, as before the storage seam
/// (commit 84694c0): operators and their scripts read them. Run on a copy of tests/Fixtures/spool-v1.
/// </summary>
[TestFixture]
public sealed class SpoolCommandShowTests
{
    private string _spool = null!;

    [SetUp]
    public void SetUp()
    {
        _spool = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"), "spool");
        var fixture = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "spool-v1");
        foreach (var file in Directory.EnumerateFiles(fixture, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(_spool, Path.GetRelativePath(fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        Directory.CreateDirectory(Path.Combine(_spool, "incoming")); // git keeps no empty folder
        Directory.CreateDirectory(Path.Combine(_spool, "corrupt"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(Path.GetDirectoryName(_spool)!, recursive: true);

    [TestCase("01a22206dd88-dc852345", "done", new[] { "== envelope.json", "== state.json", "== headers of message.eml" })]
    [TestCase("01a22206ca00-3ecaeace", "active", new[] { "== envelope.json", "== state.json", "== headers of message.eml" })]
    [TestCase("01a22206e170-22ac6dd4", "done", new[] { "== envelope.json", "== state.json", "== case.json (the support case as AWS returned it)" })]
    [TestCase("01a22206d1d0-1b40ca0b", "active", new[] { "== envelope.json", "== state.json", "== case.json (the support case as AWS returned it)" })]
    public async Task Show_MailOrSupportCase_PrintsTheHeadingsOfBefore(string id, string area, string[] headings)
    {
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(["spool", "show", id, "--spool", _spool], output, output);

        var lines = output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output.ToString());
            Assert.That(lines[0], Is.EqualTo($"{id}: {area}, in {Path.Combine(_spool, area, id)}"));
            Assert.That(lines.Where(l => l.StartsWith("== ", StringComparison.Ordinal)), Is.EqualTo(headings));
        });
    }
}
