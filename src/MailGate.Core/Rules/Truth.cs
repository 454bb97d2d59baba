namespace MailGate.Core.Rules;

/// <summary>
/// A condition's outcome under three-valued (Kleene) logic: it held, it did not, or it could not be
/// decided because a regex ran out of time. <c>all</c> is False when any part is False, else Unknown when
/// any part is Unknown; <c>any</c> is True when any part is True, else Unknown when any part is Unknown;
/// <c>not</c> keeps Unknown. So a timeout matters only where it could have changed the outcome.
/// </summary>
public enum Truth
{
    /// <summary>The condition does not hold.</summary>
    False,

    /// <summary>The condition holds.</summary>
    True,

    /// <summary>The condition could not be decided (a regex it needed timed out).</summary>
    Unknown,
}
