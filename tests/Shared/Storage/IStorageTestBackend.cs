
using MailGate.Core.Storage;

namespace MailGate.Tests.Shared.Storage;

/// <summary>
/// What <see cref="StorageConformanceTests"/> needs from a backend beyond the seam itself: opening it as the
/// gateway and as the commands do, and reproducing what the seam never produces (the leftovers of a crash,
/// damage done from outside). One instance per test, over storage of its own.
/// </summary>
public interface IStorageTestBackend : IDisposable
{
    /// <summary>Whether a second owner is refused while one is open (the file spool: its lock); false for a backend whose owners share the work by claims.</summary>
    bool SingleOwner { get; }

    /// <summary>Opens the storage as an owner, as the gateway does; opening it again after disposing the previous owner is a restart.</summary>
    IMessageStorage OpenOwner();

    /// <summary>Opens a shared view, as the <c>mailgate spool</c> commands do (beside an owner, or alone).</summary>
    IMessageStorage OpenShared();

    /// <summary>Leaves what a crash at each point of a commit (and of a readiness probe) leaves behind; returns how many leftovers there are.</summary>
    int LeaveInterruptedCommits();

    /// <summary>How many leftovers of interrupted commits are still there.</summary>
    int Leftovers();

    /// <summary>Damages the stored envelope of message <paramref name="id"/> (wherever it is) so that it is no longer a message.</summary>
    void DamageEnvelope(string id);

    /// <summary>Damages the stored state of message <paramref name="id"/> (wherever it is) so that it cannot be read as a state.</summary>
    void DamageState(string id);
}
