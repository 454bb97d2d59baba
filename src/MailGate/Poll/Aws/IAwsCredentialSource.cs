using Amazon.Runtime;

namespace MailGate.Poll.Aws;

/// <summary>
/// Where the base credentials come from: those of the Organization's management account (or a
/// delegated administrator), which list the accounts, assume each member's role and, for services
/// with an organizational view, call AWS directly. <see cref="BaseCredentials"/> is the only reader.
/// </summary>
/// <remarks>
/// The gateway registers <see cref="DefaultChainCredentialSource"/>, the AWS SDK's default chain.
/// Replace the registration to supply credentials another way (tests give fixed keys, so they need no
/// process-wide environment variables).
/// </remarks>
public interface IAwsCredentialSource
{
    /// <summary>
    /// The credentials, as an SDK object that renews itself when temporary (the STS client is built
    /// with it; requests signed by hand ask it for the current keys each time). Called on first use,
    /// never at start-up, and again for each call: cache what is expensive to find.
    /// </summary>
    /// <exception cref="AmazonClientException">No credentials were found (reported as <c>NoCredentials</c>).</exception>
    ValueTask<AWSCredentials> ResolveAsync(CancellationToken cancellationToken);
}
