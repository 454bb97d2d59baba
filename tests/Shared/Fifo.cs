namespace MailGate.Tests.Shared;

/// <summary>Named pipes for tests of what must never be opened: opening one for reading waits for a writer.</summary>
public static class Fifo
{
    /// <summary>Creates a FIFO at <paramref name="path"/> (mkfifo(1)).</summary>
    public static void Make(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.That(mkfifo.ExitCode, Is.Zero, "mkfifo");
    }
}
