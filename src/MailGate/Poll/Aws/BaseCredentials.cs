using Amazon.Runtime;

namespace MailGate.Poll.Aws;

/// <summary>
/// The base (management-account) credentials from <see cref="IAwsCredentialSource"/>, for SDK clients
/// (STS) and for signing by hand (Organizations), with every failure to find or refresh them reported
/// as an <see cref="AwsException"/> with code <c>NoCredentials</c>.
/// </summary>
internal sealed class BaseCredentials(IAwsCredentialSource source)
{
    /// <summary>The SDK's credentials object, for SDK clients (STS).</summary>
    /// <exception cref="AwsException"><c>NoCredentials</c>: the source found none.</exception>
    public async Task<AWSCredentials> GetIdentityAsync(AwsOperation operation, string? accountId, CancellationToken cancellationToken)
    {
        try
        {
            return await source.ResolveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonClientException e)
        {
            throw new AwsException(operation, accountId, "NoCredentials", null, e.Message, innerException: e);
        }
    }

    /// <summary>The current key pair (and token, when the source yields temporary credentials), for signing by hand.</summary>
    /// <exception cref="AwsException"><c>NoCredentials</c>: the source found none, or they could not be refreshed.</exception>
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
}
