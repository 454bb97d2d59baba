using System.Security.Cryptography;
using System.Text;
using MailGate.Core.Parse;
using MailGate.Core.Storage;

namespace MailGate.HealthEvents;

/// <summary>
/// Which (event, account) pairs had their <c>resolve</c> spooled, by either way in — the poller and the push intake —
/// so that a closed event is resolved once whether it was polled, pushed or both (<see cref="HealthOptions.ResolveEvents"/>).
/// Kept as one small document per pair in the storage's cursors of <see cref="Store"/> (the file spool:
/// <c>{Spool:Path}/aws-events/r-….json</c>; PostgreSQL: its cursor table), shared by every replica.
/// </summary>
/// <remarks>The check and the mark are not one transaction: a pair closed, polled and pushed in the same instant
/// can be resolved twice, which PagerDuty takes as one (a resolve of a resolved incident changes nothing).</remarks>
internal sealed class HealthResolutions(IPollerCursors cursors)
{
    /// <summary>The cursor store the marks live in (shared with the push intake's delivery markers).</summary>
    public const string Store = "aws-events";

    private readonly ICursorDocuments _marks = cursors.Cursors(Store);

    /// <summary>Whether the resolve of <paramref name="identity"/> (<see cref="HealthEvent.Identity"/>) was spooled.</summary>
    /// <exception cref="IOException">The storage could not be read.</exception>
    public bool WasResolved(string identity) => _marks.Read(Key(identity)) is not null;

    /// <summary>Records, durably, that the resolve of <paramref name="identity"/> was spooled.</summary>
    /// <exception cref="IOException">The storage refused the write.</exception>
    public void MarkResolved(string identity) => _marks.Write(Key(identity), Encoding.UTF8.GetBytes(identity.Length > 4096 ? identity[..4096] : identity));

    /// <summary><c>r-</c> and 40 hex digits of SHA-256 over the identity (a valid cursor key whatever the ARN's length).</summary>
    public static string Key(string identity) => "r-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..40];
}
