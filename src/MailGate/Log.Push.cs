using Microsoft.Extensions.Logging;

namespace MailGate;

/// <summary>The push intake's log lines (<c>POST /aws/events</c>): ids 1130–1149.</summary>
internal static partial class Log
{
    [LoggerMessage(1130, LogLevel.Information, "AWS events: Health event {EventArn} for account {AccountId} ({Status}) pushed by {Channel} stored as {SpoolId}")]
    public static partial void AwsEventStored(ILogger logger, string eventArn, string accountId, string status, string channel, string spoolId);

    [LoggerMessage(1131, LogLevel.Information, "AWS events: Health event {EventArn} for account {AccountId} ({Status}) pushed by {Channel} was stored before; not stored again")]
    public static partial void AwsEventDuplicate(ILogger logger, string eventArn, string accountId, string status, string channel);

    [LoggerMessage(1132, LogLevel.Warning, "AWS events: refused a request from {Client}: {StatusCode} {Reason}")]
    public static partial void AwsEventRefused(ILogger logger, string client, int statusCode, string reason);

    [LoggerMessage(1133, LogLevel.Warning, "AWS events: could not store a pushed event (answered 503, the sender retries)")]
    public static partial void AwsEventStoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(1134, LogLevel.Warning, "AWS events: SNS: {Problem} (answered 503, SNS retries)")]
    public static partial void AwsEventSnsUnavailable(ILogger logger, Exception exception, string problem);

    [LoggerMessage(1135, LogLevel.Information, "AWS events: SNS subscription to {TopicArn} confirmed")]
    public static partial void AwsEventSnsConfirmed(ILogger logger, string topicArn);

    [LoggerMessage(1136, LogLevel.Information, "AWS events: SNS {Type} for {TopicArn} acknowledged, nothing to do")]
    public static partial void AwsEventSnsIgnored(ILogger logger, string type, string topicArn);
}
