using Microsoft.Extensions.Logging;

namespace MailGate.Coverage;

/// <summary>The coverage probe sender's log lines: ids 1170–1179.</summary>
internal static partial class CoverageLog
{
    [LoggerMessage(1170, LogLevel.Information, "Coverage probes: every {Interval} per account through relay {RelayHost}:{RelayPort}, deadline {Deadline}, Organizations {Organization}; documents in {Location}")]
    public static partial void Started(ILogger logger, TimeSpan interval, string relayHost, int relayPort, TimeSpan deadline, bool organization, string location);

    [LoggerMessage(1171, LogLevel.Debug, "Coverage probe {ProbeId} sent to {RootAddress} for account {AwsAccount}")]
    public static partial void ProbeSent(ILogger logger, string probeId, string rootAddress, string awsAccount);

    [LoggerMessage(1172, LogLevel.Warning, "Coverage probe to {RootAddress} for account {AwsAccount} could not be sent ({FailedRounds} round(s) in a row): {Error}")]
    public static partial void SendFailed(ILogger logger, string rootAddress, string awsAccount, int failedRounds, string error);

    [LoggerMessage(1173, LogLevel.Information, "Coverage of account {AwsAccount} ({RootAddress}) is now {State} (was {PreviousState})")]
    public static partial void StateChanged(ILogger logger, string awsAccount, string rootAddress, string state, string previousState);

    [LoggerMessage(1174, LogLevel.Warning, "Coverage of account {AwsAccount} ({RootAddress}) is now {State} (was {PreviousState})")]
    public static partial void StateWorsened(ILogger logger, string awsAccount, string rootAddress, string state, string previousState);

    [LoggerMessage(1175, LogLevel.Information, "Spooled {SpoolId}: coverage {Kind} {Action} for {Subject}, dedup key {DedupKey}")]
    public static partial void AlertSpooled(ILogger logger, string spoolId, string kind, string action, string subject, string dedupKey);

    [LoggerMessage(1176, LogLevel.Warning, "Coverage could not list the AWS Organization's accounts ({Error}); probing the rules file's accounts and the last list read; logged again only after a success")]
    public static partial void OrganizationFailed(ILogger logger, string error);

    [LoggerMessage(1177, LogLevel.Warning, "Coverage round failed: {Error}; trying again at the next check")]
    public static partial void RoundFailed(ILogger logger, string error);

    [LoggerMessage(1178, LogLevel.Warning, "Coverage document of account {AwsAccount} cannot be read ({Error}); the account is skipped until it is fixed or replaced")]
    public static partial void DocumentUnreadable(ILogger logger, string awsAccount, string error);
}
