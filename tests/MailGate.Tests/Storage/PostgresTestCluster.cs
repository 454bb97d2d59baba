using MailGate.Tests.Gates;
using System.Diagnostics;

namespace MailGate.Tests.Storage;

/// <summary>
/// The PostgreSQL server the tests of this namespace use: the one named by <c>MAILGATE_TEST_POSTGRES</c> (an Npgsql
/// connection string of a user that may create databases; <c>.ci/run</c> starts a throw-away cluster and sets it), or,
/// when that is absent (a developer's plain <c>dotnet test</c>), a throw-away cluster started once per test run with
/// <c>eng/postgres-test-cluster.sh</c> and removed at the end. Never skipped: without PostgreSQL the tests fail and say
/// how to install it.
/// </summary>
[SetUpFixture]
public sealed class PostgresTestCluster
{
    /// <summary>The environment variable that names an existing server.</summary>
    public const string Variable = "MAILGATE_TEST_POSTGRES";

    private static readonly Lock Gate = new();
    private static string? _connectionString;
    private static string? _startedIn;
    private static int _users;

    /// <summary>The server's connection string (its <c>postgres</c> database); set before any test of this namespace runs.</summary>
    public static string ConnectionString => _connectionString ?? throw new InvalidOperationException("the PostgreSQL test cluster was not started");

    [OneTimeSetUp]
    public void Start() => Acquire();

    [OneTimeTearDown]
    public void Stop() => Release();

    /// <summary>
    /// Makes <see cref="ConnectionString"/> usable, starting the throw-away cluster when this is its first user: for the
    /// set-up fixtures of other namespaces that need the server too (each <see cref="Acquire"/> is paired with a <see cref="Release"/>).
    /// </summary>
    public static void Acquire()
    {
        lock (Gate)
        {
            if (_users > 0)
            {
                _users++;
                return;
            }

            var configured = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                _connectionString = configured;
                _users++;
                return;
            }

            var folder = Path.Combine(Path.GetTempPath(), "mailgate-pg-" + Guid.NewGuid().ToString("N"));
            var (exit, output, error) = Script("start", folder);
            if (exit != 0)
            {
                Script("stop", folder);
                Assert.Fail($"{Variable} is not set and no throw-away PostgreSQL could be started with eng/postgres-test-cluster.sh (exit {exit}):\n{error}\n"
                    + "Install PostgreSQL (Debian/Ubuntu: apt-get install -y postgresql) or set " + Variable + " to a server's connection string.");
            }

            _startedIn = folder;
            _connectionString = output.Trim().Split('\n')[^1];
            _users++;
        }
    }

    /// <summary>Ends one <see cref="Acquire"/>; the last user's release stops the throw-away cluster (when one was started).</summary>
    public static void Release()
    {
        lock (Gate)
        {
            if (_users == 0 || --_users > 0)
            {
                return;
            }

            if (_startedIn is not null)
            {
                Script("stop", _startedIn);
                _startedIn = null;
            }

            _connectionString = null;
        }
    }

    /// <summary>Runs <c>eng/postgres-test-cluster.sh COMMAND FOLDER</c> (start, stop, pause, resume); at most 5 minutes.</summary>
    internal static (int Exit, string Output, string Error) Script(string command, string folder)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryFolder.Root, "eng", "postgres-test-cluster.sh"));
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(folder);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "", "timed out after 5 minutes");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
