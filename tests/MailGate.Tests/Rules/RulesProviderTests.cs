using MailGate.Core.Rules;
using MailGate.Rules;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Rules;

[TestFixture]
public sealed class RulesProviderTests
{
    private const string Good = "version: 1\nroutes:\n  r:\n    pagerduty:\n      routing_key: R0123456789abcdef0123456789abcde\nrules:\n  - name: all\n    route: r\n";
    private string _path = null!;
    private FakeTimeProvider _time = null!;
    private CollectingLogger<RulesProvider> _log = null!;

    [SetUp]
    public void SetUp()
    {
        _path = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"), "rules.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllText(_path, Good);
        _time = new FakeTimeProvider();
        _log = new CollectingLogger<RulesProvider>();
    }

    [TearDown]
    public void TearDown() => Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);

    private RulesProvider CreateSut() => new(Options.Create(new RulesOptions { Path = _path }), _log, _time);

    /// <summary>Event ids of the entries logged at <paramref name="level"/>.</summary>
    private int[] Logged(LogLevel level) => [.. _log.Entries.Where(e => e.Level == level).Select(e => e.EventId)];

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
    public void Reload_FileBrieflyMissing_KeepsTheRulesWithoutAFailure()
    {
        // An editor's save or a ConfigMap swap: missing at one check, back before the grace is over.
        var sut = CreateSut();
        var events = new List<bool>();
        sut.Reloaded += (_, ok) => events.Add(ok);
        File.Delete(_path);
        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Unchanged));
        _time.Advance(RulesProvider.UnreadableGrace - TimeSpan.FromMilliseconds(1));
        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Unchanged));
        File.WriteAllText(_path, Good);
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Unchanged));
        Assert.That(sut.Current.Rules, Has.Count.EqualTo(1));
        Assert.That(sut.LastReloadFailed, Is.False);
        Assert.That(events, Is.Empty);
        Assert.That(Logged(LogLevel.Error), Is.Empty);
        Assert.That(Logged(LogLevel.Information), Does.Contain(304), "the moment is logged once, at Information");
    }

    [TestCase("deleted", "cannot read the rules file: the file does not exist")]
    [TestCase("replaced by a directory", "cannot read the rules file: it is a directory, not a file")]
    [TestCase("replaced by a FIFO", "cannot read the rules file: it is not a regular file (a FIFO, socket or device)")]
    public void Reload_FileUnreadablePastTheGrace_IsAFailedReport_LoggedOnce_KeepsTheRules_AndRecovers(string how, string problem)
    {
        var sut = CreateSut();
        var before = sut.Current;
        var events = new List<bool>();
        sut.Reloaded += (_, ok) => events.Add(ok);
        File.Delete(_path);
        if (how == "replaced by a directory")
        {
            Directory.CreateDirectory(_path);
        }
        else if (how == "replaced by a FIFO")
        {
            Fifo.Make(_path);
        }

        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Unchanged), "not yet: it may be a moment's swap");
        _time.Advance(RulesProvider.UnreadableGrace);
        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Failed));
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Failed));
        }

        Assert.Multiple(() =>
        {
            Assert.That(sut.Current, Is.SameAs(before));
            Assert.That(sut.LastReloadFailed, Is.True);
            Assert.That(sut.Problem, Does.StartWith(problem + " (since 2000-01-01 00:00:00Z); version " + before.Version + " stays in force"));
            Assert.That(events, Is.EqualTo(new[] { false }), "reported once, not at every check");
            Assert.That(Logged(LogLevel.Error), Is.EqualTo(new[] { 305 }));
        });

        if (Directory.Exists(_path))
        {
            Directory.Delete(_path);
        }

        File.Delete(_path); // a FIFO: writing would wait for a reader
        File.WriteAllText(_path, Good);
        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Unchanged));
        Assert.Multiple(() =>
        {
            Assert.That(sut.LastReloadFailed, Is.False);
            Assert.That(sut.Problem, Is.Null);
            Assert.That(events, Is.EqualTo(new[] { false, true }));
            Assert.That(Logged(LogLevel.Information), Does.Contain(306), "the recovery is logged");
        });
    }

    [Test]
    public void Reload_FileUnreadableForAnotherReason_IsReportedAgain()
    {
        var sut = CreateSut();
        var events = new List<bool>();
        sut.Reloaded += (_, ok) => events.Add(ok);
        File.Delete(_path);
        sut.Reload();
        _time.Advance(RulesProvider.UnreadableGrace);
        sut.Reload();
        Directory.CreateDirectory(_path);
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Failed));
        Assert.That(events, Is.EqualTo(new[] { false, false }));
        Assert.That(sut.Problem, Does.StartWith("cannot read the rules file: it is a directory"));
        Assert.That(Logged(LogLevel.Error), Is.EqualTo(new[] { 305, 305 }));
    }

    [Test]
    public void Reload_FileBackWithANewValidVersion_SwapsItInAndClearsTheFailure()
    {
        var sut = CreateSut();
        File.Delete(_path);
        sut.Reload();
        _time.Advance(RulesProvider.UnreadableGrace);
        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Failed));
        File.WriteAllText(_path, Good.Replace("name: all", "name: back", StringComparison.Ordinal));

        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Reloaded));
        Assert.That(sut.Current.Rules[0].Name, Is.EqualTo("back"));
        Assert.That(sut.LastReloadFailed, Is.False);
    }

    [Test]
    public void Reload_ConditionAliasReferringToItself_IsRefused_AndTheLastGoodRulesStay()
    {
        // Issue #11 §2: this edit killed the gateway with a stack overflow half a second after it was saved.
        var sut = CreateSut();
        var before = sut.Current;
        File.WriteAllText(_path, Good.Replace("    route: r\n", "    when: &w { any: [ *w ] }\n    route: r\n", StringComparison.Ordinal));

        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Failed));
        Assert.That(sut.Current, Is.SameAs(before));
        Assert.That(sut.Problem, Does.Contain($"(1 error(s); the first: {_path}:8:23: alias '*w' refers to a node that contains it"));
        Assert.That(Logged(LogLevel.Error), Is.EqualTo(new[] { 303 }));
    }

    [Test]
    public void Reload_ListenerThrows_TheReloadHasTakenEffectAndTheErrorReachesTheCaller()
    {
        // The watcher catches it (and goes on); the provider's state is already consistent.
        var sut = CreateSut();
        sut.Reloaded += (_, _) => throw new InvalidOperationException("listener broke");
        File.WriteAllText(_path, Good.Replace("name: all", "name: next", StringComparison.Ordinal));

        Assert.Throws<InvalidOperationException>(() => sut.Reload());
        Assert.That(sut.Current.Rules[0].Name, Is.EqualTo("next"));
        Assert.That(sut.Reload(), Is.EqualTo(RulesReloadResult.Unchanged));
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
