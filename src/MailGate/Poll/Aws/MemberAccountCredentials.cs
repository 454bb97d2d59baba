using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Poll.Aws;

/// <summary>
/// Temporary credentials in each member account: STS <c>AssumeRole</c> into
/// <see cref="AwsOptions.RoleArnPattern"/>, called with the base credentials (AWS SDK). Cached per
/// account until <see cref="AwsOptions.CredentialRefreshMargin"/> before they expire; concurrent
/// callers for one account share one AssumeRole call, and a failed call is not cached.
/// </summary>
internal sealed class MemberAccountCredentials : IDisposable
{
    private readonly BaseCredentials _baseCredentials;
    private readonly AwsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MemberAccountCredentials> _logger;
    private readonly Dictionary<string, Task<AwsCredentials>> _cache = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly SemaphoreSlim _stsCreation = new(1, 1);
    private AmazonSecurityTokenServiceClient? _sts;

    public MemberAccountCredentials(
        BaseCredentials baseCredentials,
        IOptions<AwsOptions> options,
        TimeProvider time,
        ILogger<MemberAccountCredentials> logger)
    {
        _baseCredentials = baseCredentials;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Credentials for <paramref name="accountId"/>'s role, assuming it when none are cached or they expire soon.</summary>
    /// <param name="accountId">The member account.</param>
    /// <param name="cancellationToken">Stops this caller's wait; a shared AssumeRole call goes on for the others.</param>
    /// <exception cref="AwsException">AssumeRole failed (<see cref="AwsOperation.AssumeRole"/>, with <paramref name="accountId"/>).</exception>
    public async ValueTask<AwsCredentials> GetAsync(string accountId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        Task<AwsCredentials> pending;
        lock (_lock)
        {
            if (!_cache.TryGetValue(accountId, out pending!) || IsStale(pending))
            {
                pending = AssumeAsync(accountId, _disposed.Token);
                _cache[accountId] = pending;
            }
        }

        if (pending.IsCompletedSuccessfully)
        {
            return pending.Result;
        }

        try
        {
            return await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            Forget(accountId, pending);
            throw;
        }
    }

    /// <summary>Drops <paramref name="accountId"/>'s cached credentials (AWS no longer accepts them); the next call assumes the role again.</summary>
    public void Forget(string accountId)
    {
        lock (_lock)
        {
            _cache.Remove(accountId);
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _sts?.Dispose();
        _stsCreation.Dispose();
        _disposed.Dispose();
    }

    private void Forget(string accountId, Task<AwsCredentials> failed)
    {
        lock (_lock)
        {
            if (_cache.TryGetValue(accountId, out var current) && current == failed)
            {
                _cache.Remove(accountId);
            }
        }
    }

    /// <summary>Failed, or successful but within the refresh margin of expiry. A call still running is shared, not stale.</summary>
    private bool IsStale(Task<AwsCredentials> task) =>
        task.IsFaulted || task.IsCanceled
        || (task.IsCompletedSuccessfully && task.Result.Expiration is { } expiration
            && _time.GetUtcNow() >= expiration - _options.CredentialRefreshMargin);

    private async Task<AwsCredentials> AssumeAsync(string accountId, CancellationToken cancellationToken)
    {
        await Task.Yield(); // never run the call under the caller's lock
        var sts = await StsAsync(accountId, cancellationToken).ConfigureAwait(false);
        var roleArn = _options.RoleArn(accountId);
        var request = new AssumeRoleRequest
        {
            RoleArn = roleArn,
            RoleSessionName = _options.RoleSessionName,
            ExternalId = _options.ExternalId,
            DurationSeconds = (int)_options.RoleDuration.TotalSeconds,
        };
        var credentials = await AwsRetry.ExecuteAsync(
            _options, _time, _logger, AwsOperation.AssumeRole, accountId,
            async token =>
            {
                try
                {
                    var response = await sts.AssumeRoleAsync(request, token).ConfigureAwait(false);
                    return Credentials(response.Credentials, accountId);
                }
                catch (Exception e) when (Failure(e, accountId, token) is { } failure)
                {
                    throw failure;
                }
            },
            cancellationToken).ConfigureAwait(false);
        AwsLog.RoleAssumed(_logger, roleArn, accountId, credentials.AccessKeyId, credentials.Expiration!.Value);
        return credentials;
    }

    private async Task<AmazonSecurityTokenServiceClient> StsAsync(string accountId, CancellationToken cancellationToken)
    {
        if (_sts is { } existing)
        {
            return existing;
        }

        await _stsCreation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_sts is null)
            {
                var identity = await _baseCredentials.GetIdentityAsync(AwsOperation.AssumeRole, accountId, cancellationToken).ConfigureAwait(false);
                var config = new AmazonSecurityTokenServiceConfig
                {
                    MaxErrorRetry = 0, // AwsRetry retries, on the injected clock
                    Timeout = _options.RequestTimeout,
                    AllowAutoRedirect = false, // signed, with a token: never re-sent anywhere else
                };
                if (_options.StsEndpoint is { } endpoint)
                {
                    config.ServiceURL = endpoint.ToString();
                    config.AuthenticationRegion = _options.Region;
                }
                else
                {
                    config.RegionEndpoint = RegionEndpoint.GetBySystemName(_options.Region);
                }

                _sts = new AmazonSecurityTokenServiceClient(identity, config);
            }

            return _sts;
        }
        finally
        {
            _stsCreation.Release();
        }
    }

    private static AwsCredentials Credentials(Amazon.SecurityToken.Model.Credentials? issued, string accountId)
    {
        if (issued is not { AccessKeyId: { Length: > 0 } key, SecretAccessKey: { Length: > 0 } secret, SessionToken: { Length: > 0 } token, Expiration: { } expiration })
        {
            throw new AwsException(AwsOperation.AssumeRole, accountId, "InvalidResponse", 200, "AssumeRole returned no complete credentials");
        }

        var utc = expiration.Kind switch
        {
            DateTimeKind.Local => expiration.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(expiration, DateTimeKind.Utc),
            _ => expiration,
        };
        return new AwsCredentials(key, secret, token, new DateTimeOffset(utc));
    }

    /// <summary>The SDK's failure as an <see cref="AwsException"/>; <see langword="null"/> when the caller cancelled.</summary>
    private static AwsException? Failure(Exception e, string accountId, CancellationToken cancellationToken)
    {
        if (e is AwsException)
        {
            return null;
        }

        if (e is AmazonServiceException service && (service.StatusCode != 0 || !string.IsNullOrEmpty(service.ErrorCode)))
        {
            var status = service.StatusCode == 0 ? (int?)null : (int)service.StatusCode;
            var code = AwsErrors.Normalize(service.ErrorCode) ?? $"Http{status}";
            return new AwsException(AwsOperation.AssumeRole, accountId, code, status, service.Message, innerException: e);
        }

        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (AwsRetry.NoAnswer(inner, AwsOperation.AssumeRole, accountId, cancellationToken) is { } noAnswer)
            {
                return inner == e ? noAnswer : new AwsException(AwsOperation.AssumeRole, accountId, noAnswer.ErrorCode, null, e.Message, innerException: e);
            }
        }

        return cancellationToken.IsCancellationRequested
            ? null
            : new AwsException(AwsOperation.AssumeRole, accountId, "ClientError", null, e.Message, innerException: e);
    }
}
