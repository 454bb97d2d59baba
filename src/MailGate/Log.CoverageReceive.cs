using Microsoft.Extensions.Logging;

namespace MailGate;

/// <summary>The coverage receiver's log lines (probes recognised before the rules, issue #15): ids 1180–1189.</summary>
internal static partial class Log
{
    [LoggerMessage(1180, LogLevel.Information, "Coverage probe {SpoolId}: account {AccountId} probe {ProbeId} arrived {Latency} after it was sent, via {Path}; arc verified: {ArcVerified}; not paged")]
    public static partial void ProbeArrived(ILogger logger, string spoolId, string accountId, string probeId, TimeSpan latency, string path, bool arcVerified);

    [LoggerMessage(1181, LogLevel.Warning, "Coverage probe {SpoolId}: a {Result} probe token (account {AccountId}, probe {ProbeId}); treated as ordinary mail, the rules decide")]
    public static partial void ProbeRefused(ILogger logger, string spoolId, string result, string accountId, string probeId);

    [LoggerMessage(1182, LogLevel.Error, "Coverage probe {SpoolId}: account {AccountId}: could not read or write its arrival in {Location} (the message is decided again later)")]
    public static partial void ProbeArrivalFailed(ILogger logger, Exception exception, string spoolId, string accountId, string location);
}
