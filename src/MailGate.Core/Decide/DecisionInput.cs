
using MailGate.Core.Parse;
using MailGate.Core.Rules;

namespace MailGate.Core.Decide;

/// <summary>Everything <see cref="MessageDecider.Decide"/> decides on, but the untrusted limiter.</summary>
public sealed record DecisionInput
{
    /// <summary>The message (or support case) as read: parsed and verified, accounts not yet resolved.</summary>
    public required MessageFacts Facts { get; init; }

    /// <summary>The rule set in force: rules, routes, trust policy, account map.</summary>
    public required RuleSet Rules { get; init; }

    /// <summary>The SMTP client's IP address as text (<c>Envelope.ClientAddress</c>), for the untrusted limits; null when unknown.</summary>
    public string? ClientAddress { get; init; }

    /// <summary>Build <c>resolve</c> events (a support case AWS resolved) instead of <c>trigger</c> events.</summary>
    public bool Resolve { get; init; }

    /// <summary>When the decision is taken; recorded in <see cref="Spool.ProcessingState.DecidedAt"/>.</summary>
    public DateTimeOffset DecidedAt { get; init; }

    /// <summary>Record every rule's verdict with its reason (<see cref="Rules.Decision.Trace"/>); slower, for <c>rules test</c> and tests.</summary>
    public bool Explain { get; init; }
}
