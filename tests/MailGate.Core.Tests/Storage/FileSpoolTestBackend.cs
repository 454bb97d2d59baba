
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Tests.Shared.Storage;

namespace MailGate.Core.Tests.Storage;

/// <summary>The file spool (<see cref="SpoolStore"/>) in a folder of its own, with or without group commit.</summary>
public sealed class FileSpoolTestBackend(bool groupCommit) : IStorageTestBackend
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mailgate-storage-tests", Guid.NewGuid().ToString("N"));

    public bool SingleOwner => true;

    public IMessageStorage OpenOwner() => new SpoolStore(_root, groupCommit, exclusive: true);

    public IMessageStorage OpenShared() => new SpoolStore(_root);

    public int LeaveInterruptedCommits()
    {
        var incoming = Directory.CreateDirectory(Path.Combine(_root, "incoming")).FullName;
        Directory.CreateDirectory(Path.Combine(incoming, "019a00000001-00000001")); // crashed after making the folder
        var contentOnly = Directory.CreateDirectory(Path.Combine(incoming, "019a00000002-00000002")).FullName;
        File.WriteAllText(Path.Combine(contentOnly, "message.eml"), "Subject: half\r\n"); // crashed while writing the content
        var beforeRename = Directory.CreateDirectory(Path.Combine(incoming, "019a00000003-00000003")).FullName;
        File.WriteAllText(Path.Combine(beforeRename, "message.eml"), "Subject: whole\r\n\r\nbody\r\n");
        File.WriteAllText(Path.Combine(beforeRename, "envelope.json"), """{"mail_from":"a@example.com","recipients":["b@example.com"],"received_at":"2026-11-28T12:00:00+00:00"}"""); // crashed before the rename into active/
        File.WriteAllBytes(Path.Combine(incoming, ".ready-0123"), new byte[4096]); // a readiness probe interrupted
        return 4;
    }

    public int Leftovers() => Directory.EnumerateFileSystemEntries(Path.Combine(_root, "incoming")).Count();

    public void DamageEnvelope(string id) => File.WriteAllText(Path.Combine(FolderOf(id), "envelope.json"), "{ truncated");

    public void DamageState(string id) => File.WriteAllText(Path.Combine(FolderOf(id), "state.json"), "{ truncated");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string FolderOf(string id) =>
        new[] { "active", "dead", "done", "corrupt" }.Select(area => Path.Combine(_root, area, id)).Single(Directory.Exists);
}
