using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace MailGate.Poll.Aws;

/// <summary>
/// The AWS SDK's default credential chain (environment variables, shared profile, web identity,
/// container or instance role), looked for only when first needed: the feature is off by default and
/// nothing may contact AWS at start-up. The SDK caches and refreshes what it finds (an instance role's
/// credentials are renewed before they expire).
/// </summary>
internal sealed class DefaultChainCredentialSource : IAwsCredentialSource, IDisposable
{
    private readonly Lazy<DefaultAWSCredentialsIdentityResolver> _resolver = new(() => new DefaultAWSCredentialsIdentityResolver());

    /// <inheritdoc/>
    public async ValueTask<AWSCredentials> ResolveAsync(CancellationToken cancellationToken) =>
        await _resolver.Value.ResolveIdentityAsync(null, cancellationToken).ConfigureAwait(false);

    public void Dispose()
    {
        if (_resolver.IsValueCreated)
        {
            _resolver.Value.Dispose();
        }
    }
}
