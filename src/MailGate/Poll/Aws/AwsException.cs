using System.Globalization;

namespace MailGate.Poll.Aws;

/// <summary>
/// An AWS call failed for good: AWS refused it (access denied, no Support subscription, invalid
/// input), or it still failed after <see cref="AwsOptions.MaxAttempts"/> tries (throttling, 5xx, no
/// answer). The message says which call, for which account, and what AWS answered.
/// </summary>
public sealed class AwsException : Exception
{
    /// <summary>Creates the exception; the message is composed from the parts.</summary>
    /// <param name="operation">The call that failed.</param>
    /// <param name="accountId">The member account it was for, if any.</param>
    /// <param name="errorCode">AWS's error code without its namespace, or MailGate's (<c>NetworkError</c>, <c>Timeout</c>, <c>NoCredentials</c>).</param>
    /// <param name="statusCode">The HTTP status, or <see langword="null"/> when no answer came.</param>
    /// <param name="awsMessage">AWS's own message, or a description of the failure.</param>
    /// <param name="attempts">How many times the call was tried.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public AwsException(
        AwsOperation operation,
        string? accountId,
        string errorCode,
        int? statusCode,
        string? awsMessage,
        int attempts = 1,
        Exception? innerException = null)
        : base(Compose(operation, accountId, errorCode, statusCode, awsMessage, attempts), innerException)
    {
        Operation = operation;
        AccountId = accountId;
        ErrorCode = errorCode;
        StatusCode = statusCode;
        AwsMessage = awsMessage;
        Attempts = attempts;
    }

    /// <summary>The call that failed.</summary>
    public AwsOperation Operation { get; }

    /// <summary>The member account the call was for; <see langword="null"/> for calls with the base credentials (ListAccounts).</summary>
    public string? AccountId { get; }

    /// <summary>
    /// AWS's error code without its namespace (<c>AccessDenied</c>, <c>SubscriptionRequiredException</c>,
    /// <c>ThrottlingException</c>, …), or one of MailGate's when AWS gave none: <c>NetworkError</c>,
    /// <c>Timeout</c>, <c>NoCredentials</c>, <c>InvalidResponse</c>, or <c>HttpNNN</c>.
    /// </summary>
    public string ErrorCode { get; }

    /// <summary>The HTTP status AWS answered, or <see langword="null"/> when no answer came.</summary>
    public int? StatusCode { get; }

    /// <summary>AWS's message, as it sent it (or a description of the failure when none came).</summary>
    public string? AwsMessage { get; }

    /// <summary>How many times the call was tried before giving up.</summary>
    public int Attempts { get; }

    /// <summary>Whether AWS was throttling the call (it gave up only because the attempts ran out).</summary>
    public bool IsThrottling => AwsErrors.IsThrottling(ErrorCode, StatusCode);

    private static string Compose(AwsOperation operation, string? accountId, string errorCode, int? statusCode, string? awsMessage, int attempts)
    {
        var call = operation switch
        {
            AwsOperation.AssumeRole => "STS AssumeRole",
            AwsOperation.ListAccounts => "Organizations ListAccounts",
            AwsOperation.DescribeCases => "Support DescribeCases",
            _ => operation.ToString(),
        };
        var account = accountId is null ? "with the base credentials" : $"for account {accountId}";
        var status = statusCode is { } code ? string.Create(CultureInfo.InvariantCulture, $" (HTTP {code})") : "";
        var tries = attempts > 1 ? string.Create(CultureInfo.InvariantCulture, $" after {attempts} attempts") : "";
        var detail = string.IsNullOrWhiteSpace(awsMessage) ? "" : $": {awsMessage}";
        return $"AWS {call} {account} failed{tries}: {errorCode}{status}{detail}";
    }
}
