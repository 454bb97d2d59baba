using MailGate.Cli;
using MailGate.Core.Storage;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Storage;

/// <summary>
/// Faults found by attacking the PostgreSQL backend (issue #14), each reproduced through the real gateway (MailKit
/// client, fake PagerDuty) or the real command line on a database of its own.
/// </summary>
[TestFixture]
public sealed class PostgresAttackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private PostgresTestBackend _database = null!;
    private FakePagerDuty _pagerDuty = null!;
    private GatewayHarness _gateway = null!;
    private string[] _settings = [];

    [SetUp]
    public async Task StartAsync()
    {
        _database = new PostgresTestBackend();
        _settings = ["--Spool:Backend=postgres", $"--Spool:ConnectionString={_database.ConnectionString}"];
        _pagerDuty = await FakePagerDuty.StartAsync();
        _gateway = await GatewayHarness.StartAsync(_pagerDuty, GatewayHarness.DefaultRules, _settings);
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _pagerDuty.DisposeAsync();
        _database.Dispose();
    }

    /// <summary>
    /// A replica killed after PagerDuty's 202 and the ledger's <c>Accept</c> but before its state write (which commits
    /// without waiting for the flush, so a database crash loses it too): the message is resumed from a state that says
    /// "pending". The ledger knows this very message's trigger was accepted, so it must not be sent again.
    /// </summary>
    [Test]
    public async Task MessageResumedAfterItsTriggerWasAcceptedInTheLedger_IsNotSentAgain()
    {
        var id = await Mail.SendAsync(_gateway, Mail.Simple("Your AWS Abuse Report"));
        Assert.That(await _gateway.WaitFinishedAsync(id, Timeout), Is.EqualTo(SpoolArea.Done));
        Assert.That(_pagerDuty.Accepted, Has.Count.EqualTo(1));
        await _gateway.StopAsync();

        // As the database holds it when the replica died between the ledger's Accept and the state write.
        var rewound = _database.Execute(
            "UPDATE mailgate.messages SET area = 'active', finished_at = NULL, lease_owner = NULL, lease_expires = NULL, "
            + "state = regexp_replace(state, '\"status\": \"delivered\"', '\"status\": \"Pending\"', 'i') WHERE id = $1 AND state ~* '\"status\": \"delivered\"'",
            id);
        Assert.That(rewound, Is.EqualTo(1), "the state as a resumed replica finds it");
        Assert.That(_database.Execute("UPDATE mailgate.delivery_ledger SET reserved_at = reserved_at WHERE message_id = $1 AND accepted_at IS NOT NULL", id), Is.EqualTo(1), "the ledger recorded the acceptance");

        _gateway.ResetFinished(id);
        await _gateway.RestartAsync(_pagerDuty, _settings); // a new owner: the takeover
        Assert.That(await _gateway.WaitFinishedAsync(id, Timeout), Is.EqualTo(SpoolArea.Done));

        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1), "the ledger says PagerDuty accepted this message's trigger: not sent twice");
        var delivery = _gateway.Services.GetRequiredService<IMessageStorage>().Find(id)!.State!.Deliveries.Single();
        Assert.That(delivery.Status, Is.EqualTo(DeliveryStatus.Delivered));
    }

    /// <summary>
    /// The configuration settings after <c>--all-dead</c> (or before <c>show</c>'s id): System.CommandLine binds the first token it does not know to
    /// the optional id of <c>retry</c>, so <c>--Spool:Backend=postgres</c> was taken for the id and <c>--all-dead</c>
    /// re-queued the dead letters of the file spool <c>Spool:Path</c> instead of the database's (or failed: no spool).
    /// </summary>
    [Test]
    public async Task SpoolShowAndRetryAllDead_WithTheSettingsBeforeTheId_UseTheDatabase()
    {
        var id = await Mail.SendAsync(_gateway, Mail.Simple("Your AWS Abuse Report"));
        Assert.That(await _gateway.WaitFinishedAsync(id, Timeout), Is.EqualTo(SpoolArea.Done));
        await _gateway.StopAsync();
        Assert.That(_database.Execute("UPDATE mailgate.messages SET area = 'dead' WHERE id = $1", id), Is.EqualTo(1));

        var show = await RunAsync(["spool", "show", .. _settings, id]);
        Assert.That(show.Exit, Is.EqualTo(ExitCodes.Ok), show.Output);
        Assert.That(show.Output, Does.StartWith($"{id}: dead"), "the settings before the id");

        var retry = await RunAsync(["spool", "retry", "--all-dead", .. _settings]);
        Assert.That(retry.Exit, Is.EqualTo(ExitCodes.Ok), retry.Output);
        Assert.That(retry.Output, Does.Contain($"{id}: re-queued").And.Contain("1 message(s) re-queued"));

        var nothing = await RunAsync(["spool", "retry", .. _settings]);
        Assert.That(nothing.Exit, Is.EqualTo(ExitCodes.BadConfiguration), nothing.Output);
        Assert.That(nothing.Output, Does.Contain("give a spool id or --all-dead"));
    }

    private static async Task<(int Exit, string Output)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(args, output, output);
        return (exit, output.ToString());
    }
}

/// <summary>
/// <c>mailgate spool …</c> on a database whose schema is not the program's: the commands never change the schema
/// (<c>list</c> and <c>show</c> only read; a newer command-line tool must not migrate a database older gateways run
/// on), and a newer schema is refused as the gateway refuses it (exit 2), not with a stack trace.
/// </summary>
[TestFixture]
public sealed class PostgresSpoolCommandSchemaTests
{
    [Test]
    public async Task SpoolList_OnADatabaseNeverMigrated_SaysRunDbMigrateAndCreatesNothing()
    {
        using var backend = new PostgresTestBackend();
        using var output = new StringWriter();

        var exit = await MailGateCommandLine.RunAsync(["spool", "list", "--Spool:Backend=postgres", $"--Spool:ConnectionString={backend.ConnectionString}"], output, output);

        Assert.That(exit, Is.EqualTo(ExitCodes.Failure), output.ToString());
        Assert.That(output.ToString(), Does.Contain("schema version none").And.Contain("mailgate db migrate").And.Not.Contain("Unhandled"));
        Assert.That(MailGate.Storage.Postgres.PostgresStorage.ReadSchemaVersion(backend.ConnectionString).Version, Is.Null, "nothing was created");
    }

    [Test]
    public async Task SpoolList_OnANewerSchema_IsRefusedWithExit2()
    {
        using var backend = new PostgresTestBackend();
        backend.OpenOwner().Dispose();
        backend.MarkSchemaNewer();

        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(["spool", "list", "--Spool:Backend=postgres", $"--Spool:ConnectionString={backend.ConnectionString}"], output, output);

        Assert.That(exit, Is.EqualTo(ExitCodes.BadConfiguration), output.ToString());
        Assert.That(output.ToString(), Does.Contain("newer than this program").And.Not.Contain("Unhandled"));
    }
}
