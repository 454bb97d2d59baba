using System.Text.Json;
using MailGate.Poll.Aws;

namespace MailGate.Poll;

/// <summary>
/// What a failed poll means: the state it puts an account in (for <c>/readyz</c>, the
/// <c>mailgate.support.polls</c> result and the per-state account gauge), how it is described to an
/// operator, and when it is worth a log line. Pure: the poller applies it, the status keeps the states.
/// </summary>
/// <remarks>
/// Warnings are once per change, not once per poll: with hundreds of accounts polled every minute, an
/// account without a support plan would otherwise log a warning a minute forever.
/// </remarks>
internal static class PollErrorPolicy
{
    /// <summary>The last poll succeeded.</summary>
    public const string Ok = "ok";

    /// <summary>Not polled yet since start (or since the account appeared).</summary>
    public const string Pending = "pending";

    /// <summary>The base credentials were not found (<see cref="IAwsCredentialSource"/>).</summary>
    public const string NoCredentials = "no_credentials";

    /// <summary>The member account's role could not be assumed.</summary>
    public const string AssumeRoleFailed = "assume_role_failed";

    /// <summary>The account has no Business, Enterprise On-Ramp or Enterprise support plan.</summary>
    public const string SubscriptionRequired = "subscription_required";

    /// <summary>AWS throttled the calls beyond <see cref="AwsOptions.MaxAttempts"/>.</summary>
    public const string Throttled = "throttled";

    /// <summary>The call was refused by IAM.</summary>
    public const string AccessDenied = "access_denied";

    /// <summary>Anything else (5xx after the retries, no answer, a damaged cursor file, …).</summary>
    public const string Error = "error";

    /// <summary>Whether <paramref name="e"/> is a poll failure to report: every exception but the host's own shutdown (<paramref name="stopping"/>), so that a poller never stops the host, and SMTP with it.</summary>
    public static bool IsFailure(Exception e, CancellationToken stopping) =>
        e is not OperationCanceledException || !stopping.IsCancellationRequested;

    /// <summary>The state <paramref name="e"/> puts an account (or the account listing) in.</summary>
    public static string StateOf(Exception e) => e switch
    {
        AwsException { ErrorCode: "NoCredentials" } => NoCredentials,
        AwsException { Operation: AwsOperation.AssumeRole } => AssumeRoleFailed,
        AwsException { ErrorCode: "SubscriptionRequiredException" } => SubscriptionRequired,
        AwsException { IsThrottling: true } => Throttled,
        AwsException { ErrorCode: "AccessDeniedException" or "AccessDenied" } => AccessDenied,
        _ => Error,
    };

    /// <summary>The failure as an operator reads it in logs and <c>/readyz</c>: what failed and, where known, what to do.</summary>
    public static string Describe(Exception e) => e switch
    {
        AwsException { ErrorCode: "SubscriptionRequiredException" } =>
            $"{e.Message} (the AWS Support API needs a Business, Enterprise On-Ramp or Enterprise support plan on this account)",
        JsonException => $"the cursor file is damaged ({e.Message}); fix it, or delete it to read the last SupportCases:InitialLookback again (cases in that window are spooled again: an incident still open absorbs its case, a resolved one would be opened again)",
        OperationCanceledException => "timed out",
        AwsException or IOException or HttpRequestException => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    /// <summary>Whether a failure is logged (as a warning): only when it differs from the previous one (a state, or the listing's description; null: none).</summary>
    public static bool WarnsAbout(string? previous, string current) => !string.Equals(previous, current, StringComparison.Ordinal);

    /// <summary>Whether a success after <paramref name="previousState"/> is a recovery worth a log line: after a failure, not after <see cref="Ok"/> or <see cref="Pending"/>.</summary>
    public static bool IsRecovery(string previousState) => previousState is not (Ok or Pending);
}
