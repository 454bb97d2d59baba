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

    /// <summary>Variables that would send the SDK's default chain elsewhere (a profile, a role, a container or custom endpoint).</summary>
    private static readonly string[] Elsewhere =
    [
        "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS",
    ];

    /// <summary>
    /// The environment of a gateway child process (<see cref="GatewayProcess.Start(IReadOnlyDictionary{string, string}, string[])"/>)
    /// whose SDK default chain must find exactly the base key pair: the keys set, everything that would send the chain
    /// elsewhere removed (empty values), instance metadata off, and the shared files pointed at missing files in <paramref name="folder"/>.
    /// This test process's own environment is not changed.
    /// </summary>
    public static Dictionary<string, string> ChildEnvironment(string folder)
    {
        var environment = Elsewhere.ToDictionary(name => name, _ => "");
        environment["AWS_ACCESS_KEY_ID"] = BaseAccessKeyId;
        environment["AWS_SECRET_ACCESS_KEY"] = BaseSecretAccessKey;
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(folder, "no-credentials");
        environment["AWS_CONFIG_FILE"] = Path.Combine(folder, "no-config");
        return environment;
    }

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
