using MailGate.Core.Rules;

namespace MailGate.Core.Decide;

/// <summary>The one reading of the untrusted limits that every <see cref="IUntrustedLimiter"/> shares (in memory, PostgreSQL).</summary>
public static class UntrustedCounts
{
    /// <summary>
    /// What one more untrusted page gets, given the pages already counted in the last hour: per sender, per client
    /// network, in all. The sender's bound is checked first, then the network's, then the global one.
    /// </summary>
    /// <param name="bySender">Pages of this sender in the window.</param>
    /// <param name="byNetwork">Pages from this client network in the window.</param>
    /// <param name="all">All untrusted pages in the window.</param>
    /// <param name="limits">The bounds, from the rules file's <c>trust.untrusted</c>.</param>
    public static UntrustedVerdict Verdict(int bySender, int byNetwork, int all, UntrustedTreatment limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return bySender >= limits.MaxPerSenderPerHour ? UntrustedVerdict.SenderLimited
            : byNetwork >= limits.MaxPerClientNetworkPerHour ? UntrustedVerdict.ClientNetworkLimited
            : all >= limits.MaxPerHour ? UntrustedVerdict.GlobalLimited
            : UntrustedVerdict.Allowed;
    }
}

/// <summary>
/// The limiter cannot count now (its shared store, PostgreSQL, is unreachable): the message cannot be decided and is
/// tried again later, not paged and not dropped.
/// </summary>
public sealed class UntrustedLimitUnavailableException : IOException
{
    /// <summary>Creates the exception.</summary>
    public UntrustedLimitUnavailableException()
    {
    }

    /// <summary>Creates the exception with why.</summary>
    /// <param name="message">Why the limiter cannot count.</param>
    public UntrustedLimitUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with why and the cause.</summary>
    /// <param name="message">Why the limiter cannot count.</param>
    /// <param name="innerException">The store's error.</param>
    public UntrustedLimitUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
