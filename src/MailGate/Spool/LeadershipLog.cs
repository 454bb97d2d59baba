using Microsoft.Extensions.Logging;

namespace MailGate.Spool;

/// <summary>Log lines of what replicas share (events 1030–1039): <see cref="RoleLeadership"/> and the untrusted limits.</summary>
internal static partial class LeadershipLog
{
    [LoggerMessage(1030, LogLevel.Information, "This replica now leads {Role} (storage {StorageLocation}) and runs it")]
    public static partial void Leading(ILogger logger, string role, string storageLocation);

    [LoggerMessage(1031, LogLevel.Warning, "This replica no longer leads {Role}: {Reason}. It stops running it and tries to lead it again")]
    public static partial void LeadershipLost(ILogger logger, string role, string reason);

    [LoggerMessage(1032, LogLevel.Information, "Another replica leads {Role} (or the storage cannot be reached); this one does not run it and tries again every {TryInterval}")]
    public static partial void NotLeading(ILogger logger, string role, TimeSpan tryInterval);

    [LoggerMessage(1033, LogLevel.Warning, "Cannot decide {SpoolId} now: {Error}. Untrusted mail is neither paged nor dropped while the shared limits cannot be counted; the message is decided at a later scan (logged once until the limits can be counted again)")]
    public static partial void UntrustedLimitUnavailable(ILogger logger, string spoolId, string error);

    [LoggerMessage(1034, LogLevel.Information, "The untrusted limits can be counted again; deferred messages are being decided")]
    public static partial void UntrustedLimitAvailable(ILogger logger);
}
