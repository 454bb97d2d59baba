using MailGate.Tests.Shared.Storage;

namespace MailGate.Core.Tests.Storage;

/// <summary>The file spool passes the storage conformance suite, with and without group commit.</summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class FileSpoolConformanceTests(bool groupCommit) : StorageConformanceTests
{
    /// <inheritdoc/>
    protected override IStorageTestBackend CreateBackend() => new FileSpoolTestBackend(groupCommit);
}
