using MailGate.Tests.Storage;

namespace MailGate.Tests.Replicas;

/// <summary>
/// Around every test of this namespace: the PostgreSQL test server (shared with the storage tests, see
/// <see cref="PostgresTestCluster"/>), and at the end a last sweep that SIGKILLs any replica a failed test left running.
/// </summary>
[SetUpFixture]
public sealed class ReplicasSetUp
{
    [OneTimeSetUp]
    public void Start() => PostgresTestCluster.Acquire();

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        try
        {
            await ReplicaSet.KillLeftoversAsync();
        }
        finally
        {
            PostgresTestCluster.Release();
        }
    }
}
