using MailGate.Core.Parse;

namespace MailGate.Parse;

/// <summary>Verifying where mail came from (configuration section <c>Trust</c>).</summary>
public sealed class TrustOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Trust";

    /// <summary>Whether DKIM signatures and ARC chains are verified (keys looked up in DNS).</summary>
    /// <value>true. With false, every message is untrusted (rules marked <c>trust: required</c> get the untrusted treatment).</value>
    public bool Verify { get; set; } = true;

    /// <summary>The DNS servers asked for DKIM/ARC keys, as <c>address</c> or <c>address:port</c>.</summary>
    /// <value>Empty: the system's resolvers.</value>
    public List<string> DnsServers { get; set; } = [];

    /// <summary>
    /// How long a message whose verification hit a temporary DNS failure is verified again (every
    /// <see cref="DnsFailureCacheDuration"/>) before its verdict is taken as it stands. Measured on the
    /// monotonic clock from the first temporary failure this process saw for the message (a restart
    /// starts it again), so a wall-clock step neither ends nor extends it.
    /// </summary>
    /// <value>5 minutes.</value>
    public TimeSpan TempErrorRetryWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The time budget of one message's key lookups (all of its keys are asked at once). Keys that have
    /// no answer by then count as a temporary failure. Decisions never wait for DNS: a message whose
    /// keys are not known yet is set aside while they are looked up, and the messages behind it go on.
    /// </summary>
    /// <value>5 seconds.</value>
    public TimeSpan VerificationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many messages may have key lookups in flight at once. Waiting messages take turns by client
    /// network (IPv4 /24, IPv6 /64), so one sender's flood does not hold up another's mail.
    /// </summary>
    /// <value>4.</value>
    public int MaxConcurrentVerifications { get; set; } = 4;

    /// <summary>
    /// How long a temporary DNS failure for a key (timeout, SERVFAIL) is remembered: meanwhile no message
    /// asks for that key again, and a message deferred by it is verified again only after this.
    /// </summary>
    /// <value>30 seconds.</value>
    public TimeSpan DnsFailureCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}
