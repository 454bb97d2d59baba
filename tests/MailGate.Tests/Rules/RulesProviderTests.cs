using MailGate.Rules;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailGate.Tests.Rules;

[TestFixture]
public sealed class RulesProviderTests
{
    private const string Good = "version: 1\nroutes:\n  r:\n    pagerduty:\n      routing_key: R0123456789abcdef0123456789abcde\nrules:\n  - name: all\n    route: r\n";
    private string _path = null!;

    [SetUp]
    public void SetUp()
    {
        _path = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"), "rules.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllText(_path, Good);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);

    private RulesProvider CreateSut() => new(Options.Create(new RulesOptions { Path = _path }), NullLogger<RulesProvider>.Instance);

    [Test]
    public void Reload_FileUnchanged_IsUnchanged()
    {
        var sut = CreateSut();
        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Unchanged));
    }

    [Test]
    public void Reload_ValidEdit_SwapsTheRuleSet()
    {
        var sut = CreateSut();
        var before = sut.Current;
        var events = new List<bool>();
        sut.Reloaded += (_, ok) => events.Add(ok);
        File.WriteAllText(_path, Good.Replace("name: all", "name: everything", StringComparison.Ordinal));

        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Reloaded));
        Assert.That(sut.Current, Is.Not.SameAs(before));
        Assert.That(sut.Current.Rules[0].Name, Is.EqualTo("everything"));
        Assert.That(events, Is.EqualTo(new[] { true }));
    }

    [Test]
    public void Reload_InvalidEdit_KeepsTheLastGoodRules_AndReportsOnce()
    {
        var sut = CreateSut();
        var before = sut.Current;
        var events = new List<bool>();
        sut.Reloaded += (_, ok) => events.Add(ok);
        File.WriteAllText(_path, Good.Replace("route: r", "route: missing", StringComparison.Ordinal));

        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Failed));
        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Failed));
        Assert.That(sut.Current, Is.SameAs(before));
        Assert.That(sut.LastReloadFailed, Is.True);
        Assert.That(events, Is.EqualTo(new[] { false }), "the same bad version is reported once");

        File.WriteAllText(_path, Good);
        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Unchanged));
        Assert.That(sut.LastReloadFailed, Is.False, "reverting the edit clears the failure");
    }

    [Test]
    public void Reload_FileBrieflyMissing_KeepsTheRules()
    {
        var sut = CreateSut();
        File.Delete(_path);
        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Unchanged));
        Assert.That(sut.Current.Rules, Has.Count.EqualTo(1));
    }

    [Test]
    public void Reload_SymlinkSwappedLikeAConfigMap_ReadsTheNewTarget()
    {
        // A ConfigMap volume updates by pointing a symlink at a new folder with one atomic rename;
        // here the file itself is such a symlink, swapped the same way.
        var folder = Path.GetDirectoryName(_path)!;
        var first = Directory.CreateDirectory(Path.Combine(folder, "v1")).FullName;
        var second = Directory.CreateDirectory(Path.Combine(folder, "v2")).FullName;
        File.WriteAllText(Path.Combine(first, "rules.yaml"), Good);
        File.WriteAllText(Path.Combine(second, "rules.yaml"), Good.Replace("name: all", "name: swapped", StringComparison.Ordinal));
        File.Delete(_path);
        File.CreateSymbolicLink(_path, Path.Combine(first, "rules.yaml"));
        var sut = CreateSut();

        var temporary = Path.Combine(folder, "rules.yaml.tmp");
        File.CreateSymbolicLink(temporary, Path.Combine(second, "rules.yaml"));
        File.Move(temporary, _path, overwrite: true);

        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Reloaded));
        Assert.That(sut.Current.Rules[0].Name, Is.EqualTo("swapped"));
    }
}
