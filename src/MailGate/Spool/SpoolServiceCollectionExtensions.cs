using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Observability;
using MailGate.Startup;
using MailGate.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MailGate.Spool;

/// <summary>Registers the durable storage: the file spool (default) or PostgreSQL (<c>Spool:Backend</c>).</summary>
internal static class SpoolServiceCollectionExtensions
{
    public static IServiceCollection AddSpool(this IServiceCollection services)
    {
        services.AddOptions<SpoolOptions>().BindConfiguration(SpoolOptions.Section)
            .Validate(o => o.Backend is SpoolOptions.FileBackend or SpoolOptions.PostgresBackend, "Spool:Backend must be 'file' or 'postgres'")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path), "Spool:Path must name a folder")
            .Validate(o => o.Backend != SpoolOptions.PostgresBackend || ConnectionStringProblem(o.ConnectionString) is null, ConnectionStringRequirement)
            .Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(1), "Spool:LeaseDuration must be at least 00:00:01")
            .Validate(o => o.LedgerRetention >= TimeSpan.FromMinutes(1), "Spool:LedgerRetention must be at least 00:01:00")
            .Validate(o => o.ScanInterval >= TimeSpan.FromMilliseconds(100), "Spool:ScanInterval must be at least 00:00:00.1")
            .Validate(o => o.MinFreeBytes >= 0, "Spool:MinFreeBytes must not be negative")
            .ValidateOnStart();
        services.AddSingleton<IMessageStorage>(sp => Open(sp.GetRequiredService<IOptions<SpoolOptions>>().Value, sp.GetRequiredService<ILogger<SpoolStore>>()));

        // The file spool itself, for what only it has (tests reach its events through it); refused with PostgreSQL.
        services.AddSingleton(sp => sp.GetRequiredService<IMessageStorage>() as SpoolStore
            ?? throw new InvalidOperationException("the file spool is not in use (Spool:Backend is not 'file')"));

        // The storage seam, one role per consumer.
        services.AddSingleton<IMessageIntake>(sp => sp.GetRequiredService<IMessageStorage>());
        services.AddSingleton<IProcessingStore>(sp => sp.GetRequiredService<IMessageStorage>());
        services.AddSingleton<IPollerCursors>(sp => sp.GetRequiredService<IMessageStorage>());
        services.AddSingleton<IFeatureState>(sp => sp.GetRequiredService<IMessageStorage>());
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<IMessageStorage>());
        services.AddSingleton<IDeliveryLedger>(sp => sp.GetRequiredService<IMessageStorage>());
        services.AddSingleton<PostgresOpener>();
        services.AddHostedService(sp => sp.GetRequiredService<PostgresOpener>());
        services.AddSingleton<SpoolSpace>();
        services.AddSingleton<RoleLeadership>();
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<RoleLeadership>());
        services.AddSingleton<IMetricsSource, SpoolMetrics>();
        return services;
    }

    /// <summary>What <c>Spool:ConnectionString</c> must be with the PostgreSQL backend (the gateway's and the commands' refusal).</summary>
    internal const string ConnectionStringRequirement = "Spool:ConnectionString must be an Npgsql connection string naming Host and Database when Spool:Backend is 'postgres' (e.g. Host=db;Database=mailgate;Username=mailgate)";

    /// <summary>Why <paramref name="connectionString"/> cannot name a PostgreSQL database, or null (never echoes it: it may hold a password).</summary>
    internal static string? ConnectionStringProblem(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "it is empty";
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrEmpty(builder.Host) ? "it names no Host" : string.IsNullOrEmpty(builder.Database) ? "it names no Database" : null;
        }
        catch (ArgumentException)
        {
            return "it is not in Npgsql's Key=Value;… syntax";
        }
    }

    /// <summary>
    /// Opens the storage as its owner. The file spool: takes its lock before anything reads or recovers it, so a
    /// second gateway on the same folder stops here (<see cref="SpoolLockedException"/>). PostgreSQL: connects and
    /// brings the schema up to date; when the database cannot be reached the gateway starts without it
    /// (<see cref="PostgresOpener"/> retries), but a refused login and a newer schema stop the start. Either way logs
    /// every damaged entry set aside while running.
    /// </summary>
    private static IMessageStorage Open(SpoolOptions options, ILogger<SpoolStore> logger)
    {
        IMessageStorage store;
        try
        {
            store = options.Backend == SpoolOptions.PostgresBackend
                ? OpenPostgres(options, logger)
                : new SpoolStore(options.Path, options.GroupCommit, exclusive: true);
        }
        catch (Exception e) when (e is not SpoolLockedException && e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"Spool:Path '{options.Path}' cannot be used as the spool: {e.Message}", e);
        }

        store.Quarantined += (_, entry) => Log.SpoolEntryQuarantined(logger, entry.Name, entry.Area.ToString().ToLowerInvariant(), entry.Problem);
        store.QuarantineFailed += (_, e) => Log.SpoolEntryNotQuarantined(logger, e.Entry.Name, e.Entry.Area.ToString().ToLowerInvariant(), e.Entry.Problem, e.Error);
        return store;
    }

    /// <summary>
    /// The PostgreSQL storage, open when the database could be reached, else not yet open (<see cref="PostgresOpener"/>
    /// opens it later). A wrong password or a refused login (SQLSTATE 28P01, 28000) and a schema newer than this
    /// program are <see cref="StartupException"/>s: trying again cannot fix them, someone must.
    /// </summary>
    private static PostgresStorage OpenPostgres(SpoolOptions options, ILogger logger)
    {
        var storage = PostgresStorage.Create(options.ConnectionString, owner: true, options.LeaseDuration);
        try
        {
            storage.Migrate();
            Log.PostgresSchemaReady(logger, storage.Location, PostgresStorage.SchemaVersion, storage.AppliedMigrations.Count);
        }
        catch (SchemaTooNewException e)
        {
            storage.Dispose();
            throw new StartupException($"Spool:ConnectionString: {e.Message}", e);
        }
        catch (IOException e) when (PostgresStorage.IsLoginRefused(e))
        {
            storage.Dispose();
            throw new StartupException($"Spool:ConnectionString: PostgreSQL at {storage.Endpoint} refused the login ({e.InnerException?.Message}): check the user and password (not retried)", e);
        }
        catch (IOException e)
        {
            Log.PostgresNotOpenAtStart(logger, storage.Location, e.InnerException?.Message ?? e.Message, PostgresOpener.FirstRetry, PostgresOpener.MaxRetry);
        }

        return storage;
    }
}
