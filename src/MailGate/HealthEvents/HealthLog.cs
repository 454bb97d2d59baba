using Microsoft.Extensions.Logging;

namespace MailGate.HealthEvents;

/// <summary>The Health poller's log lines: ids 1100–1129.</summary>
internal static partial class HealthLog
{
    [LoggerMessage(1100, LogLevel.Information, "Polling AWS Health's organizational view every {PollInterval} for services {Services}; cursor in {CursorLocation}")]
    public static partial void PollingStarted(ILogger logger, TimeSpan pollInterval, string services, string cursorLocation);

    [LoggerMessage(1101, LogLevel.Information, "Spooled {SpoolId}: AWS Health {EventTypeCode} for account {AwsAccount} ({Action}), event {EventArn}")]
    public static partial void Spooled(ILogger logger, string spoolId, string eventTypeCode, string awsAccount, string action, string eventArn);

    [LoggerMessage(1102, LogLevel.Warning, "AWS Health DescribeEventDetailsForOrganization failed for event {EventArn} account {AwsAccount}: {ErrorName}: {ErrorMessage}; asked again next poll")]
    public static partial void DetailsFailed(ILogger logger, string eventArn, string awsAccount, string errorName, string errorMessage);

    [LoggerMessage(1103, LogLevel.Warning, "AWS Health poll failed ({State}): {Error}; trying again every poll, logged again only when the state changes")]
    public static partial void Failed(ILogger logger, string state, string error);

    [LoggerMessage(1104, LogLevel.Information, "AWS Health poll succeeded again after {PreviousState}")]
    public static partial void Recovered(ILogger logger, string previousState);
}
