using MailGate.Core.Storage;

namespace MailGate.Storage.Postgres;

/// <summary>Leadership of the once-only roles (the pollers): one lease row per role in <c>mailgate.leaders</c>.</summary>
public sealed partial class PostgresStorage
{
    /// <summary>
    /// Takes the role when nobody holds it or its holder's lease ran out, or renews it when this owner holds it: one
    /// statement on the row <c>mailgate.leaders(role)</c>, whose <c>expires</c> becomes the database's <c>now()</c> plus
    /// the lease (so the replicas' clocks do not matter). True while this owner leads; false when another owner
    /// holds an unexpired lease, for a shared view, after <see cref="Dispose"/>, and when the database cannot be
    /// reached (this owner cannot know that it still leads, so it must act as if it did not).
    /// </summary>
    /// <param name="role">The role's name (<see cref="StorageNames.IsName"/>), e.g. <c>support-cases</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="role"/> is not a valid name.</exception>
    public bool TryLead(string role)
    {
        StorageNames.CheckName(role, nameof(role));
        if (!IsOwner || Volatile.Read(ref _disposed) == 1)
        {
            return false;
        }

        try
        {
            return Scalar<bool>(
                "INSERT INTO mailgate.leaders AS l (role, owner, expires) VALUES ($1, $2, now() + $3) "
                + "ON CONFLICT (role) DO UPDATE SET owner = excluded.owner, expires = excluded.expires "
                + "WHERE l.owner = excluded.owner OR l.expires < now() RETURNING true",
                role,
                _owner,
                _lease);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The untrusted limits shared by every replica on this database (on this storage's connections).</summary>
    public PostgresUntrustedLimiter UntrustedLimiter() => new(_dataSource, Location);

    /// <summary>Gives up every role this owner leads, so another owner takes each over at its next try (not after a lease).</summary>
    private void ResignAll() => Execute("DELETE FROM mailgate.leaders WHERE owner = $1", _owner);
}
