
using MailGate.Core.Decide;
using MailGate.Core.Rules;

namespace MailGate.Core.Tests.Decide.Support;

/// <summary>An <see cref="IUntrustedLimiter"/> that answers from a script (then <see cref="UntrustedVerdict.Allowed"/>) and records every question.</summary>
internal sealed class ScriptedLimiter(params UntrustedVerdict[] verdicts) : IUntrustedLimiter
{
    private readonly Queue<UntrustedVerdict> _verdicts = new(verdicts);

    /// <summary>Every question, in order.</summary>
    public List<(string Sender, string? ClientAddress, UntrustedTreatment Limits)> Asked { get; } = [];

    public UntrustedVerdict TryAcquire(string sender, string? clientAddress, UntrustedTreatment limits)
    {
        Asked.Add((sender, clientAddress, limits));
        return _verdicts.TryDequeue(out var verdict) ? verdict : UntrustedVerdict.Allowed;
    }
}
