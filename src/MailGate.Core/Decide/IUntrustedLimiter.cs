
using MailGate.Core.Rules;

namespace MailGate.Core.Decide;

/// <summary>
/// The bound on untrusted pages that <see cref="MessageDecider"/> asks once per match of an untrusted
/// message: the only state a decision depends on besides its inputs. The gateway's implementation counts
/// pages in a sliding hour per sender, per client network (<see cref="ClientNetwork"/>) and in all;
/// <c>mailgate rules test</c> asks a fresh one (a gateway that has sent no untrusted page this hour).
/// </summary>
public interface IUntrustedLimiter
{
    /// <summary>Whether one more untrusted page is allowed now (and counts it if so); else which bound it is over.</summary>
    /// <param name="sender">The resolved sender (<see cref="Parse.MessageFacts.Sender"/>).</param>
    /// <param name="clientAddress">The SMTP client's IP address as text; null when unknown.</param>
    /// <param name="limits">The bounds, from the rules file's <c>trust.untrusted</c>.</param>
    UntrustedVerdict TryAcquire(string sender, string? clientAddress, UntrustedTreatment limits);
}

/// <summary>What <see cref="IUntrustedLimiter.TryAcquire"/> decided.</summary>
public enum UntrustedVerdict
{
    /// <summary>Page (counted).</summary>
    Allowed,

    /// <summary>Over <c>max_per_sender_per_hour</c>.</summary>
    SenderLimited,

    /// <summary>Over <c>max_per_client_network_per_hour</c>.</summary>
    ClientNetworkLimited,

    /// <summary>Over <c>max_per_hour</c>.</summary>
    GlobalLimited,
}
