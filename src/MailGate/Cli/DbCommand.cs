using System.CommandLine;
using MailGate.Hosting;
using MailGate.Spool;
using MailGate.Startup;
using MailGate.Storage.Postgres;
using Microsoft.Extensions.Configuration;

namespace MailGate.Cli;

/// <summary>
/// <c>mailgate db migrate|status [--Section:Key=value …]</c>: the PostgreSQL schema of the configured database
/// (<c>Spool:Backend: postgres</c>, <c>Spool:ConnectionString</c>; the configuration as <c>serve</c> reads it).
/// Exit codes: 0 done; 1 the database cannot be reached or refused (the reason, never the password); 2 bad
/// configuration (the file backend, a missing or malformed connection string, a schema newer than the program).
/// </summary>
internal static class DbCommand
{
    public static Command Create()
    {
        var db = new Command("db", "The PostgreSQL database (Spool:Backend=postgres): migrate its schema, show its version.");
        db.Subcommands.Add(Migrate());
        db.Subcommands.Add(Status());
        return db;
    }

    /// <summary>The configured connection string; refused (exit 2) unless the backend is PostgreSQL and the string names a database.</summary>
    private static string ConnectionString(ParseResult result)
    {
        var configured = MailGateConfiguration.Build([.. result.UnmatchedTokens]).GetSection(SpoolOptions.Section).Get<SpoolOptions>() ?? new SpoolOptions();
        if (configured.Backend != SpoolOptions.PostgresBackend)
        {
            throw new StartupException($"db {result.CommandResult.Command.Name} needs Spool:Backend=postgres (it is '{configured.Backend}')");
        }

        // Checked as the gateway checks it: Npgsql's own parse errors echo the value they could not read.
        return SpoolServiceCollectionExtensions.ConnectionStringProblem(configured.ConnectionString) is { } problem
            ? throw new StartupException($"{SpoolServiceCollectionExtensions.ConnectionStringRequirement}: {problem}")
            : configured.ConnectionString;
    }

    private static Command Migrate()
    {
        var migrate = new Command("migrate", "Apply the schema migrations the database lacks (under a lock: safe beside running gateways).") { TreatUnmatchedTokensAsErrors = false };
        migrate.SetAction(result =>
        {
            var connectionString = ConnectionString(result);
            PostgresStorage storage;
            try
            {
                storage = PostgresStorage.Open(connectionString, owner: false, TimeSpan.FromSeconds(30));
            }
            catch (SchemaTooNewException e)
            {
                throw new StartupException(e.Message, e);
            }

            using (storage)
            {
                var output = result.InvocationConfiguration.Output;
                foreach (var version in storage.AppliedMigrations)
                {
                    output.WriteLine($"applied migration {PostgresMigrations.Scripts.First(s => s.Version == version).Name}");
                }

                output.WriteLine(storage.AppliedMigrations.Count == 0
                    ? $"schema is current at version {PostgresStorage.SchemaVersion} in {storage.Location}"
                    : $"schema is now at version {PostgresStorage.SchemaVersion} in {storage.Location}");
            }

            return ExitCodes.Ok;
        });
        return migrate;
    }

    private static Command Status()
    {
        var status = new Command("status", "Print the database's schema version and the migrations it lacks (changes nothing).") { TreatUnmatchedTokensAsErrors = false };
        status.SetAction(result =>
        {
            var (endpoint, version) = PostgresStorage.ReadSchemaVersion(ConnectionString(result));
            var output = result.InvocationConfiguration.Output;
            output.WriteLine($"database: postgres://{endpoint}");
            output.WriteLine($"schema version: {(version is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none (never migrated)")}; this program's: {PostgresStorage.SchemaVersion}");
            var pending = PostgresMigrations.Scripts.Where(s => s.Version > (version ?? 0)).Select(s => s.Name).ToList();
            output.WriteLine(version > PostgresStorage.SchemaVersion
                ? "the schema is newer than this program: run a newer MailGate"
                : pending.Count == 0 ? "schema is current" : $"pending: {string.Join(", ", pending)} (mailgate db migrate, or a gateway's start, applies them)");
            return ExitCodes.Ok;
        });
        return status;
    }
}
