namespace MailGate.Receive;

/// <summary>The SMTP listener (configuration section <c>Smtp</c>).</summary>
public sealed class SmtpOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Smtp";

    /// <summary>The recipient domain accepted when <see cref="AcceptedRecipients"/> is empty.</summary>
    public const string DefaultRecipientDomain = "@mailgate.example.com";

    /// <summary>The IP address to listen on.</summary>
    /// <value><c>127.0.0.1</c>; <c>0.0.0.0</c> in the container.</value>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one (tests).</summary>
    /// <value>2525.</value>
    public int Port { get; set; } = 2525;

    /// <summary>
    /// The host name in the greeting and EHLO reply, and the domain of <c>RCPT TO:&lt;Postmaster&gt;</c>
    /// (recorded as <c>Postmaster@</c> this name). The library version is never shown.
    /// </summary>
    /// <value><c>mailgate</c>.</value>
    public string ServerName { get; set; } = "mailgate";

    /// <summary>
    /// The largest message accepted, in bytes as RFC 1870 counts them (CRLFs included; the end-of-data dot
    /// and transparency dots not). Advertised with SIZE; MAIL FROM with a larger SIZE and a larger message
    /// get <c>552 5.3.4</c> (the message once it has ended: it is read to its end without being kept).
    /// </summary>
    /// <value>26,214,400 (25 MiB).</value>
    public int MaxMessageSize { get; set; } = 26_214_400;

    /// <summary>
    /// The largest header section accepted, in bytes (<c>552 5.3.4</c> beyond it), by SMTP and by the parser
    /// alike. At most 1 MiB and at most <see cref="MaxMessageSize"/>.
    /// </summary>
    /// <value>262,144 (256 KiB).</value>
    public int MaxHeaderSize { get; set; } = 256 * 1024;

    /// <summary>
    /// Recipients accepted at RCPT TO: full addresses (<c>alerts@example.com</c>) or whole domains
    /// (<c>@example.com</c>). Anything else gets <c>550 5.1.1</c>: the gateway is never a relay.
    /// </summary>
    /// <value>Empty, meaning any address at <c>@mailgate.example.com</c> (the local test domain).</value>
    public List<string> AcceptedRecipients { get; set; } = [];

    /// <summary>How long a connection may live in all; a cap, not an idle timer.</summary>
    /// <value>15 minutes (25 MiB at 1 Mbit/s takes over 3).</value>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The idle timeout (Postfix's <c>smtpd_timeout</c>): how long the server waits for the client's next
    /// bytes, whether a command or more of DATA, for the client to take a reply, and for a whole STARTTLS
    /// handshake. A silent client gets <c>421 4.4.2</c> and is disconnected, which frees its connection
    /// slot. At most <see cref="SessionTimeout"/>.
    /// </summary>
    /// <value>2 minutes.</value>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// On shutdown (SIGTERM), how long sessions in the middle of DATA may take to finish once the
    /// listener stops accepting. Keep it below the container runtime's stop timeout.
    /// </summary>
    /// <value>15 seconds.</value>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many failed commands in a row end a session. Answers MailGate gives before the library sees the
    /// command (RCPT past <see cref="MaxRecipients"/>, AUTH, VRFY, EXPN, HELP) do not count.
    /// </summary>
    /// <value>20.</value>
    public int MaxErrors { get; set; } = 20;

    /// <summary>
    /// How many bytes of DATA all sessions together may hold in memory at once (each holds its message until its 250):
    /// a message that would go over it is read to its end, not kept, and gets <c>452 4.3.1</c> (the sender retries).
    /// At least <see cref="MaxMessageSize"/>.
    /// </summary>
    /// <value>64 MiB (67,108,864).</value>
    public long MaxDataInFlight { get; set; } = 64L * 1024 * 1024;

    /// <summary>How many SMTP connections may be open at once; beyond it a new one gets <c>421 4.7.0</c> and is closed.</summary>
    /// <value>100.</value>
    public int MaxConnections { get; set; } = 100;

    /// <summary>How many SMTP connections one client IP address may have open at once (<c>421 4.7.0</c> beyond it).</summary>
    /// <value>10.</value>
    public int MaxConnectionsPerClient { get; set; } = 10;

    /// <summary>
    /// The networks (CIDR, e.g. <c>209.85.128.0/17</c>, <c>2607:f8b0::/32</c>; a bare address means that one
    /// host) that may connect; any other client gets <c>554 5.7.1 Access denied</c> at connect.
    /// </summary>
    /// <value>Empty: every client may connect.</value>
    public List<string> AllowedClients { get; set; } = [];

    /// <summary>
    /// How many accepted recipients one message may have; each further RCPT TO gets <c>452 4.5.3</c>, which
    /// does not count toward <see cref="MaxErrors"/>, and the message is delivered to the ones accepted.
    /// </summary>
    /// <value>100.</value>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>STARTTLS (section <c>Smtp:Tls</c>).</summary>
    public SmtpTlsOptions Tls { get; set; } = new();

    /// <summary>The recipients in force: <see cref="AcceptedRecipients"/>, or the local test domain when empty.</summary>
    public IReadOnlyList<string> EffectiveRecipients =>
        AcceptedRecipients.Count > 0 ? AcceptedRecipients : [DefaultRecipientDomain];
}
