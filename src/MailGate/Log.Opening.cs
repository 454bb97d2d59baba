using Microsoft.Extensions.Logging;

namespace MailGate;

/// <summary>Opening PostgreSQL while it is down (a start during an outage): ids 1040–1049.</summary>
internal static partial class Log
{
    [LoggerMessage(1040, LogLevel.Warning, "PostgreSQL storage at {StorageLocation} cannot be opened at start ({Problem}); starting without it: SMTP answers 451 4.3.0, /readyz is 503, deliveries and pollers wait; connecting and migrating again in the background (first retry in {Retry}, then doubling up to {MaxRetry})")]
    public static partial void PostgresNotOpenAtStart(ILogger logger, string storageLocation, string problem, TimeSpan retry, TimeSpan maxRetry);

    [LoggerMessage(1041, LogLevel.Information, "PostgreSQL storage at {StorageLocation} is open after {Attempts} attempt(s) over {Waited}: schema version {SchemaVersion}, {AppliedCount} migration(s) applied now; taking mail")]
    public static partial void PostgresOpenedLate(ILogger logger, string storageLocation, int attempts, TimeSpan waited, int schemaVersion, int appliedCount);

    [LoggerMessage(1042, LogLevel.Error, "PostgreSQL storage at {StorageLocation} cannot be opened and trying again will not fix it until someone acts ({Problem}); still trying every {MaxRetry}")]
    public static partial void PostgresOpenRefused(ILogger logger, string storageLocation, string problem, TimeSpan maxRetry);

    [LoggerMessage(1043, LogLevel.Information, "The storage was not open at start ({Problem}): unfinished messages are claimed by the first scan after it opens")]
    public static partial void ProcessingWaitsForStorage(ILogger logger, string problem);
}
