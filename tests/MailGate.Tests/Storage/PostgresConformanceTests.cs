using MailGate.Tests.Shared.Storage;

namespace MailGate.Tests.Storage;

/// <summary>The PostgreSQL backend passes the storage conformance suite (each test on a database of its own).</summary>
[TestFixture]
public sealed class PostgresConformanceTests : StorageConformanceTests
{
    /// <inheritdoc/>
    protected override IStorageTestBackend CreateBackend() => new PostgresTestBackend();
}
