using Microsoft.Extensions.Logging;

namespace MailGate.Poll.Aws;

/// <summary>The AWS plumbing's log lines; event ids 700–719.</summary>
internal static partial class AwsLog
{
    // Information, not Warning: with hundreds of accounts, throttling is routine; an account that stays
    // failed after its retries gets one Warning per change of state from the poller (event 604).
    [LoggerMessage(700, LogLevel.Information, "AWS {Operation} {Account} failed ({ErrorCode}{Status}) on attempt {Attempt}: {Error}; retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, AwsOperation operation, string account, string errorCode, string status, int attempt, string error, TimeSpan delay);

    [LoggerMessage(701, LogLevel.Debug, "Assumed {RoleArn} for account {AccountId}: access key {AccessKeyId}, expires {Expiration:o}")]
    public static partial void RoleAssumed(ILogger logger, string roleArn, string accountId, string accessKeyId, DateTimeOffset expiration);

    [LoggerMessage(702, LogLevel.Information, "Dropped the cached credentials of account {AccountId}: AWS answered {ErrorCode}")]
    public static partial void CredentialsDropped(ILogger logger, string accountId, string errorCode);
}
