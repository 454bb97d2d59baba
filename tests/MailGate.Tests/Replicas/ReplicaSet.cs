using System.Collections.Concurrent;
using System.Net;
using MailGate.Tests.Storage;
using MailGate.Tests.Support;
using Npgsql;

namespace MailGate.Tests.Replicas;

/// <summary>
/// N replicas of the real gateway as child processes (<see cref="GatewayProcess"/>) on one fresh PostgreSQL database
/// (<c>Spool:Backend=postgres</c>; a database of its own per set, on the test server, dropped at the end), one rules
/// file, one <see cref="FakePagerDuty"/>. Leases are short (<see cref="LeaseDuration"/>, scans every
/// <see cref="ScanInterval"/>) so that a replica killed with SIGKILL has its work taken over within seconds.
/// Every process started is also known to <see cref="KillLeftoversAsync"/>: disposing the set (in a test's
/// <c>finally</c>) or, at the latest, the namespace's one-time tear-down SIGKILLs whatever still runs.
/// </summary>
public sealed class ReplicaSet : IAsyncDisposable
{
    /// <summary><c>Spool:LeaseDuration</c> of every replica.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(2);

    /// <summary><c>Spool:ScanInterval</c> of every replica: how soon a replica looks for work whose lease ran out.</summary>
    public static readonly TimeSpan ScanInterval = TimeSpan.FromMilliseconds(500);

    private const string Channel = "mailgate_test_messages";
    private static readonly ConcurrentDictionary<GatewayProcess, string> Running = new();

    private readonly PostgresTestBackend? _database;
    private readonly Dictionary<string, string> _environment;
    private readonly string[] _settings;
    private readonly List<Replica> _replicas = [];
    private readonly Lock _lock = new();
    private Task? _notifying;

    private ReplicaSet(string rules, FakePagerDuty pagerDuty, IReadOnlyDictionary<string, string>? environment, string[] more, string? connectionString = null)
    {
        if (connectionString is null)
        {
            _database = new PostgresTestBackend();
        }

        ConnectionString = connectionString ?? _database!.ConnectionString;
        Folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", "replicas-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "rules.yaml"), rules);
        _environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["MAILGATE_Spool__ConnectionString"] = ConnectionString, // not on the command line: it holds the password
        };
        _settings =
        [
            "--Smtp:Port=0",
            "--Http:Url=http://127.0.0.1:0",
            "--Spool:Backend=postgres",
            $"--Spool:LeaseDuration={LeaseDuration:c}",
            $"--Spool:ScanInterval={ScanInterval:c}",
            $"--Rules:Path={Path.Combine(Folder, "rules.yaml")}",
            $"--PagerDuty:EventsUrl={pagerDuty.EventsUrl}",
            "--PagerDuty:RetryBaseDelay=00:00:00.050",
            "--PagerDuty:RetryMaxDelay=00:00:00.250",
            "--PagerDuty:BreakDuration=00:00:00.500",
            "--Trust:Verify=false", // no DNS: these tests are about replicas
            .. more,
        ];
    }

    /// <summary>The set's own folder (rules file, each replica's unused <c>Spool:Path</c>).</summary>
    public string Folder { get; }

    /// <summary>The set's database (with its password): for the test's own queries.</summary>
    public string ConnectionString { get; }

    /// <summary>The replicas started so far.</summary>
    public IReadOnlyList<Replica> Replicas
    {
        get
        {
            lock (_lock)
            {
                return [.. _replicas];
            }
        }
    }

    /// <summary>Creates the database and the folder; no replica runs yet. <paramref name="more"/> adds or overrides settings (<c>--Key=value</c>).</summary>
    public static ReplicaSet Create(string rules, FakePagerDuty pagerDuty, IReadOnlyDictionary<string, string>? environment = null, params string[] more) =>
        new(rules, pagerDuty, environment, more);

    /// <summary>
    /// As <see cref="Create(string, FakePagerDuty, IReadOnlyDictionary{string, string}?, string[])"/>, on the database of
    /// <paramref name="connectionString"/> (e.g. a <see cref="PausablePostgres"/> the test stops and starts), which the
    /// test owns: disposing the set leaves it.
    /// </summary>
    public static ReplicaSet OnDatabase(string rules, FakePagerDuty pagerDuty, string connectionString, params string[] more) =>
        new(rules, pagerDuty, null, more, connectionString);

    /// <summary>SIGKILLs every replica process still running (of any set): the last line of defence against orphans.</summary>
    public static async Task KillLeftoversAsync()
    {
        foreach (var process in Running.Keys)
        {
            await StopAsync(process);
        }
    }

    /// <summary>Starts the replicas named <paramref name="names"/> at once, and waits until each listens on SMTP and HTTP.</summary>
    public async Task<Replica[]> StartAllAsync(params string[] names)
    {
        var replicas = await Task.WhenAll(names.Select(async name =>
        {
            var (process, smtp, http) = await LaunchAsync(name);
            return new Replica(name, process, smtp, http);
        }));
        lock (_lock)
        {
            _replicas.AddRange(replicas);
        }

        return replicas;
    }

    /// <summary>SIGKILL: the replica's process ends at once, holding whatever leases it held.</summary>
    public static async Task KillAsync(Replica replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        if (!replica.Process.HasExited)
        {
            replica.Process.Kill();
        }

        await replica.Process.WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Starts a new process for <paramref name="replica"/> (SIGKILLing the old one if it still runs) and waits until it listens.</summary>
    public async Task RestartAsync(Replica replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        var old = replica.Process;
        await StopAsync(old);
        var (process, smtp, http) = await LaunchAsync(replica.Name);
        replica.Replace(process, smtp, http);
    }

    /// <summary>How many messages the database holds in <paramref name="area"/> (<c>active</c>: not finished yet; <c>done</c>, <c>dead</c>, <c>corrupt</c>).</summary>
    public async Task<long> CountAsync(string area)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return await CountAsync(connection, area);
    }

    /// <summary>
    /// Waits until no message is unfinished in the database (every copy delivered, found a duplicate, dropped or
    /// dead-lettered), woken by a PostgreSQL notification at every change of a message's area, never by a timer;
    /// fails after <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitUntilAllFinishedAsync(TimeSpan timeout)
    {
        await EnsureNotificationsAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancel.Token);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancel.Token);
        }

        long active;
        while ((active = await CountAsync(connection, "active")) > 0)
        {
            try
            {
                await connection.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{active} message(s) still unfinished in the database after {timeout}");
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        var failed = TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed;
        foreach (var replica in Replicas)
        {
            if (failed)
            {
                await TestContext.Out.WriteLineAsync($"--- last lines of {replica}:\n{string.Join('\n', replica.Process.Lines.TakeLast(40))}");
            }

            await StopAsync(replica.Process);
        }

        _database?.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private async Task<(GatewayProcess Process, IPEndPoint Smtp, Uri Http)> LaunchAsync(string name)
    {
        var process = GatewayProcess.Start(_environment, [.. _settings, $"--Spool:Path={Path.Combine(Folder, name)}"]);
        Running[process] = name;
        try
        {
            var smtp = await process.WaitForSmtpAsync();
            var http = await process.WaitForHttpAsync();
            return (process, smtp, http);
        }
        catch
        {
            await StopAsync(process);
            throw;
        }
    }

    private static async Task StopAsync(GatewayProcess process)
    {
        await process.DisposeAsync(); // SIGKILL if still running
        Running.TryRemove(process, out _);
    }

    // A notification on every new message and every change of area, for WaitUntilAllFinishedAsync; installed once
    // the replicas' migrations have created the table (test scaffolding in the test's own database, not the product's schema).
    private Task EnsureNotificationsAsync()
    {
        lock (_lock)
        {
            return _notifying ??= InstallAsync();
        }

        async Task InstallAsync()
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"""
                CREATE OR REPLACE FUNCTION public.mailgate_test_notify() RETURNS trigger LANGUAGE plpgsql AS
                $f$ BEGIN PERFORM pg_notify('{Channel}', NEW.id); RETURN NULL; END $f$;
                CREATE OR REPLACE TRIGGER mailgate_test_notify AFTER INSERT OR UPDATE OF area ON mailgate.messages
                FOR EACH ROW EXECUTE FUNCTION public.mailgate_test_notify();
                """,
                connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string area)
    {
        await using var count = new NpgsqlCommand("SELECT count(*) FROM mailgate.messages WHERE area = $1", connection);
        count.Parameters.AddWithValue(area);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
