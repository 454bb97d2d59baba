
using MailGate.Core.Spool;
using MailGate.Core.Storage;

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

    /// <summary>
    /// Deleting mailgate.lock under a running gateway (an operator clearing a "stale" lock file) lifted the
    /// protection: a second gateway started on the spool, and its recovery could delete the first's
    /// incoming/. The lock is now on the spool's folder too: the second is still refused, and there is
    /// nothing to report.
    /// </summary>
    [TestCase("deleted")]
    [TestCase("replaced")]
    public void LockFileDeletedOrReplaced_ASecondOwnerIsStillRefused_NoProblem(string what)
    {
        using var owner = new SpoolStore(_root, exclusive: true);
        var path = Path.Combine(owner.Root, "mailgate.lock");
        File.Delete(path);
        if (what == "replaced")
        {
            File.WriteAllText(path, "someone else's");
        }

        Assert.Throws<SpoolLockedException>(() => _ = new SpoolStore(_root, exclusive: true));
        Assert.That(owner.LockProblem(), Is.Null);
    }

    [Test]
    public void LockProblem_SpoolFolderReplaced_IsReported()
    {
        using var owner = new SpoolStore(_root, exclusive: true);
        Assert.That(owner.LockProblem(), Is.Null);

        Directory.Move(_root, _root + ".old");
        Directory.CreateDirectory(_root);
        try
        {
            Assert.That(owner.LockProblem(), Does.Contain($"the spool folder {owner.Root} was replaced or removed"));
        }
        finally
        {
            Directory.Delete(_root + ".old", recursive: true);
        }
    }

    /// <summary>A link in the lock file's place made the gateway truncate whatever it pointed at (opened for writing, emptied, the PID written).</summary>
    [Test]
    public void Acquire_LockFileIsASymbolicLink_IsRefused_TheTargetIsUntouched()
    {
        Directory.CreateDirectory(_root);
        var target = Path.Combine(Path.GetTempPath(), "mailgate-spool-tests", $"victim-{Guid.NewGuid():N}");
        File.WriteAllText(target, "precious");
        File.CreateSymbolicLink(Path.Combine(_root, "mailgate.lock"), target);
        try
        {
            var refused = Assert.Throws<IOException>(() => _ = new SpoolStore(_root, exclusive: true));

            Assert.That(refused!.Message, Does.Contain("mailgate.lock is not a regular file"));
            Assert.That(File.ReadAllText(target), Is.EqualTo("precious"));
        }
        finally
        {
            File.Delete(target);
        }
    }

    [Test]
    public void Acquire_OnLinux_LocksTheFolder()
    {
        using var held = SpoolLock.Acquire(Directory.CreateDirectory(_root).FullName);

        Assert.That(held.FolderLocked, Is.True);
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
