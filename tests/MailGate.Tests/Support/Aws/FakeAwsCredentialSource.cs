using Amazon.Runtime;
using MailGate.Poll.Aws;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MailGate.Tests.Support.Aws;

/// <summary>
/// Base credentials for MailGate without the SDK's default chain, so that no test sets process-wide
/// environment variables: <see cref="Base"/> gives the key pair <see cref="FakeAws"/> accepts,
/// <see cref="None"/> finds nothing, as the chain does on a machine without credentials.
/// </summary>
public sealed class FakeAwsCredentialSource : IAwsCredentialSource
{
    /// <summary>The base (management-account) access key id.</summary>
    public const string BaseAccessKeyId = "AKIAMAILGATETEST0001";

    /// <summary>Its secret.</summary>
    public const string BaseSecretAccessKey = "mailgate/Test/Secret/Key/0000000000000000";

    private readonly AWSCredentials? _credentials;
    private int _resolutions;

    private FakeAwsCredentialSource(AWSCredentials? credentials) => _credentials = credentials;

    /// <summary>A source giving the base key pair.</summary>
    public static FakeAwsCredentialSource Base => new(new BasicAWSCredentials(BaseAccessKeyId, BaseSecretAccessKey));

    /// <summary>A source that finds no credentials (the SDK's <see cref="AmazonClientException"/>).</summary>
    public static FakeAwsCredentialSource None => new(null);

    /// <summary>How many times MailGate asked for the credentials.</summary>
    public int Resolutions => Volatile.Read(ref _resolutions);

    /// <summary>Makes <paramref name="source"/> (default: <see cref="Base"/>) the base credentials of the gateway or container being built.</summary>
    public static IServiceCollection Register(IServiceCollection services, IAwsCredentialSource? source = null) =>
        services.Replace(ServiceDescriptor.Singleton<IAwsCredentialSource>(source ?? Base));

    /// <inheritdoc/>
    public ValueTask<AWSCredentials> ResolveAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _resolutions);
        return _credentials is null
            ? ValueTask.FromException<AWSCredentials>(new AmazonClientException("Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors: (fake: none configured)"))
            : ValueTask.FromResult(_credentials);
    }
}
