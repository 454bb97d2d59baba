using Microsoft.Extensions.Logging;

namespace MailGate;

/// <summary>The status page and API (issue #17): EventIds 1150–1169.</summary>
internal static partial class Log
{
    [LoggerMessage(1150, LogLevel.Warning, "Dead letter {SpoolId} re-queue asked through the status {Via} from {RemoteAddress}:{RemotePort}: {Result} {Error}")]
    public static partial void StatusRetry(ILogger logger, string spoolId, string via, string remoteAddress, int remotePort, string result, string error);
}
