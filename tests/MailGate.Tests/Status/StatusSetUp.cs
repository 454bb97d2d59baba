using MailGate.Tests.Storage;

namespace MailGate.Tests.Status;

/// <summary>Around every test of this namespace: the PostgreSQL test server (shared with the storage tests, see <see cref="PostgresTestCluster"/>), for the status API on the PostgreSQL backend.</summary>
[SetUpFixture]
public sealed class StatusSetUp
{
    [OneTimeSetUp]
    public void Start() => PostgresTestCluster.Acquire();

    [OneTimeTearDown]
    public void Stop() => PostgresTestCluster.Release();
}
