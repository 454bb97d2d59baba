using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace MailGate.Poll.Aws;

/// <summary>
/// The management account's credentials from the AWS SDK's default chain (environment variables,
/// shared profile, web identity, container or instance role), looked for only when first needed: the
/// feature is off by default and nothing may contact AWS at start-up. The SDK caches and refreshes
/// what it finds (an instance role's credentials are renewed before they expire).
/// </summary>
internal sealed class BaseCredentials : IDisposable
{
    private readonly Lazy<DefaultAWSCredentialsIdentityResolver> _resolver = new(() => new DefaultAWSCredentialsIdentityResolver());

    /// <summary>The SDK's credentials object, for SDK clients (STS).</summary>
    /// <exception cref="AwsException"><c>NoCredentials</c>: the chain found none.</exception>
    public async Task<AWSCredentials> GetIdentityAsync(AwsOperation operation, string? accountId, CancellationToken cancellationToken)
    {
        try
        {
            return await _resolver.Value.ResolveIdentityAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonClientException e)
        {
            throw new AwsException(operation, accountId, "NoCredentials", null, e.Message, innerException: e);
        }
    }

    /// <summary>The current key pair (and token, when the chain yields temporary credentials), for signing by hand.</summary>
    /// <exception cref="AwsException"><c>NoCredentials</c>: the chain found none, or they could not be refreshed.</exception>
    public async Task<AwsCredentials> GetAsync(AwsOperation operation, string? accountId, CancellationToken cancellationToken)
    {
        var identity = await GetIdentityAsync(operation, accountId, cancellationToken).ConfigureAwait(false);
        ImmutableCredentials current;
        try
        {
            current = await identity.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonClientException e)
        {
            throw new AwsException(operation, accountId, "NoCredentials", null, e.Message, innerException: e);
        }

        return new AwsCredentials(current.AccessKey, current.SecretKey, current.UseToken ? current.Token : null);
    }

    public void Dispose()
    {
        if (_resolver.IsValueCreated)
        {
            _resolver.Value.Dispose();
        }
    }
}
