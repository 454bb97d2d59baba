using System.Globalization;

namespace MailGate.Tests.Support.Aws;

/// <summary>
/// The credentials <see cref="FakeAws"/> accepts: the base (management-account) key pair of
/// <see cref="FakeAwsCredentialSource.Base"/>, and the temporary credentials its STS issued, which it
/// also expires and revokes. Shared by STS (which issues) and the host (which checks signatures).
/// </summary>
public sealed class FakeAwsCredentials(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FakeIssuedCredentials> _issued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _revoked = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Every credential issued so far for <paramref name="accountId"/> is answered 403 ExpiredTokenException from now on.</summary>
    public void Revoke(string accountId)
    {
        lock (_lock)
        {
            _revoked.UnionWith(_issued.Values.Where(c => c.AccountId == accountId).Select(c => c.AccessKeyId));
        }
    }

    /// <summary>Issues new temporary credentials for <paramref name="accountId"/>'s role, valid until <paramref name="expiration"/>.</summary>
    internal FakeIssuedCredentials Issue(string accountId, DateTimeOffset expiration)
    {
        lock (_lock)
        {
            _count++;
            var issued = new FakeIssuedCredentials(
                accountId,
                string.Create(CultureInfo.InvariantCulture, $"ASIA{accountId}{_count:D4}"),
                $"fake/{accountId}/secret/{_count}",
                $"FwoGZXIvYXdzEFAKE//session-for-{accountId}-{_count}",
                expiration);
            _issued[issued.AccessKeyId] = issued;
            return issued;
        }
    }

    /// <summary>The issued credentials with access key <paramref name="accessKeyId"/>; null when STS never issued it.</summary>
    internal FakeIssuedCredentials? Find(string? accessKeyId)
    {
        lock (_lock)
        {
            return accessKeyId is null ? null : _issued.GetValueOrDefault(accessKeyId);
        }
    }

    /// <summary>Whether AWS would refuse <paramref name="issued"/> now: past its expiration, or revoked.</summary>
    internal bool IsExpired(FakeIssuedCredentials issued)
    {
        lock (_lock)
        {
            return time.GetUtcNow() >= issued.Expiration || _revoked.Contains(issued.AccessKeyId);
        }
    }
}

/// <summary>Temporary credentials the fake STS issued for a member account's role.</summary>
internal sealed record FakeIssuedCredentials(string AccountId, string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration);
