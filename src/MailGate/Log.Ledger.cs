using Microsoft.Extensions.Logging;

namespace MailGate;

/// <summary>The delivery ledger's log lines (one trigger per email): ids 1020–1029.</summary>
internal static partial class Log
{
    [LoggerMessage(1020, LogLevel.Information, "Duplicate for {SpoolId}: message {MessageId} rule {Rule} route {Route} is a copy of {HolderId}, whose trigger PagerDuty accepted; not sent again (dedup key {DedupKey}, Spool:LedgerRetention)")]
    public static partial void DeliveryDuplicate(ILogger logger, string spoolId, string messageId, string rule, string route, string holderId, string dedupKey);

    [LoggerMessage(1021, LogLevel.Information, "Waiting for {SpoolId}: rule {Rule} route {Route}: another copy of this email ({HolderId}) is being delivered; asking the delivery ledger again later")]
    public static partial void DeliveryLedgerHeld(ILogger logger, string spoolId, string rule, string route, string holderId);

    [LoggerMessage(1022, LogLevel.Warning, "The delivery ledger could not record the outcome ({DeliveryStatus}) of {SpoolId} rule {Rule}; a copy of this email may trigger again (with the same dedup key)")]
    public static partial void DeliveryLedgerWriteFailed(ILogger logger, Exception exception, string spoolId, string rule, string deliveryStatus);

    [LoggerMessage(1023, LogLevel.Information, "Delivery ledger: swept {Count} entries older than {Retention} (Spool:LedgerRetention)")]
    public static partial void DeliveryLedgerSwept(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(1024, LogLevel.Warning, "Delivery ledger: the sweep of old entries failed; it is tried again in {Interval}")]
    public static partial void DeliveryLedgerSweepFailed(ILogger logger, Exception exception, TimeSpan interval);
}
