namespace MailGate.Poll.Aws;

/// <summary>A key pair to sign requests with, and the session token of temporary credentials.</summary>
/// <param name="AccessKeyId">The access key id (<c>AKIA…</c> long-term, <c>ASIA…</c> temporary).</param>
/// <param name="SecretAccessKey">The secret; never logged.</param>
/// <param name="SessionToken">Sent as <c>X-Amz-Security-Token</c> when present.</param>
/// <param name="Expiration">When temporary credentials stop working; <see langword="null"/> for long-term ones.</param>
internal sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null, DateTimeOffset? Expiration = null)
{
    /// <summary>Names the key, never the secret or the token.</summary>
    public override string ToString() =>
        Expiration is { } expiration ? $"{AccessKeyId} (temporary, expires {expiration:O})" : AccessKeyId;
}
