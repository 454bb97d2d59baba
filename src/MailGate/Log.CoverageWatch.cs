using Microsoft.Extensions.Logging;

namespace MailGate;

/// <summary>Coverage's silence alarm and the heartbeat out (issue #15): ids 1190–1199.</summary>
internal static partial class Log
{
    [LoggerMessage(1190, LogLevel.Warning, "Coverage: no mail received since {Since:u} (more than Coverage:SilenceAlarm {Alarm}); silence alert stored as {SpoolId}")]
    public static partial void SilenceRaised(ILogger logger, DateTimeOffset since, TimeSpan alarm, string spoolId);

    [LoggerMessage(1191, LogLevel.Information, "Coverage: mail arrives again (newest at {ReceivedAt:u}); silence resolve stored as {SpoolId}")]
    public static partial void SilenceResolved(ILogger logger, DateTimeOffset receivedAt, string spoolId);

    [LoggerMessage(1192, LogLevel.Warning, "Coverage: could not record or check when mail last arrived in {Location}: {Error} (retried next round)")]
    public static partial void SilenceStoreFailed(ILogger logger, string location, string error);

    [LoggerMessage(1193, LogLevel.Information, "Coverage: silence alarm on: a page after {Alarm} without mail (checked every {Every} by the leader of role coverage-silence)")]
    public static partial void SilenceWatching(ILogger logger, TimeSpan alarm, TimeSpan every);

    [LoggerMessage(1194, LogLevel.Information, "Heartbeat: {Method} {Target} every {Interval} while healthy")]
    public static partial void HeartbeatStarted(ILogger logger, string method, string target, TimeSpan interval);

    [LoggerMessage(1195, LogLevel.Warning, "Heartbeat: paused, the gateway is not healthy: {Problems}")]
    public static partial void HeartbeatPaused(ILogger logger, string problems);

    [LoggerMessage(1196, LogLevel.Information, "Heartbeat: resumed, the gateway is healthy again")]
    public static partial void HeartbeatResumed(ILogger logger);

    [LoggerMessage(1197, LogLevel.Warning, "Heartbeat: the request to {Target} failed: {Error} (retried at the next interval)")]
    public static partial void HeartbeatFailed(ILogger logger, string target, string error);

    [LoggerMessage(1198, LogLevel.Information, "Heartbeat: {Target} answers again")]
    public static partial void HeartbeatRecovered(ILogger logger, string target);
}
