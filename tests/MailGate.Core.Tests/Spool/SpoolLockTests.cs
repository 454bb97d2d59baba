using MailGate.Spool;

namespace MailGate.Core.Tests.Spool;

/// <summary>Issue #11 §4 "Two gateways on one spool": one owner per spool, released when it lets go.</summary>
[TestFixture]
public sealed class SpoolLockTests
{
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Path.Combine(Path.GetTempPath(), "mailgate-spool-tests", Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public void SpoolStore_SecondOwner_IsRefused_WithTheLockFileNamed()
    {
        using var first = new SpoolStore(_root, exclusive: true);

        var refused = Assert.Throws<SpoolLockedException>(() => _ = new SpoolStore(_root, exclusive: true));

        Assert.That(refused!.LockPath, Is.EqualTo(Path.Combine(first.Root, "mailgate.lock")));
        Assert.That(refused.Message, Does.Contain(first.Root).And.Contain("mailgate.lock"));
    }

    [Test]
    public void SpoolStore_OwnerDisposed_NextOwnerGetsTheLock()
    {
        new SpoolStore(_root, exclusive: true).Dispose();

        using var next = new SpoolStore(_root, exclusive: true);

        Assert.That(next.IsExclusive, Is.True);
    }

    [Test]
    public void SpoolStore_Shared_WorksBesideTheOwner_AndTakesNoLock()
    {
        using var owner = new SpoolStore(_root, exclusive: true);

        using var cli = new SpoolStore(_root);

        Assert.That((owner.IsExclusive, cli.IsExclusive), Is.EqualTo((true, false)));
        Assert.That(cli.List(SpoolArea.Active), Is.Empty);
    }

    [Test]
    public void Acquire_WritesTheHoldersPid_ForPeople()
    {
        using var held = SpoolLock.Acquire(Directory.CreateDirectory(_root).FullName);

        Assert.That(ReadWithoutLocking(held.Path), Does.StartWith($"pid {Environment.ProcessId} on "));
    }

    [Test]
    public void LockProblem_LockFileDeletedOrReplaced_IsReported()
    {
        using var owner = new SpoolStore(_root, exclusive: true);
        var path = Path.Combine(owner.Root, "mailgate.lock");
        Assert.That(owner.LockProblem(), Is.Null);

        File.Delete(path);
        var deleted = owner.LockProblem();
        File.WriteAllText(path, "someone else's");
        var replaced = owner.LockProblem();

        Assert.That(deleted, Does.Contain("was deleted or replaced"));
        Assert.That(replaced, Does.Contain("was deleted or replaced"));
    }

    /// <summary>Reads the file as cat does: no flock (a .NET FileStream would ask for a shared lock and be refused).</summary>
    private static string ReadWithoutLocking(string path)
    {
        using var cat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cat", [path]) { RedirectStandardOutput = true })!;
        var text = cat.StandardOutput.ReadToEnd();
        cat.WaitForExit();
        return text;
    }
}
