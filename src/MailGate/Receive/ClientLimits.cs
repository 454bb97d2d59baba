namespace MailGate.Receive;

/// <summary>What <see cref="ClientPipe"/> enforces on one connection, from <see cref="SmtpOptions"/>.</summary>
/// <param name="IdleTimeout">
/// The longest wait for the client: for each read (a command, the next bytes of DATA), for each reply to
/// be taken by the client, and for the whole STARTTLS handshake (<see cref="SmtpOptions.CommandTimeout"/>;
/// Postfix's <c>smtpd_timeout</c>).
/// </param>
/// <param name="MaxMessageSize">The largest message in bytes, counted as RFC 1870 counts it (<see cref="SmtpOptions.MaxMessageSize"/>).</param>
/// <param name="MaxRecipients">Accepted recipients per transaction (<see cref="SmtpOptions.MaxRecipients"/>).</param>
/// <param name="ServerName">The name in replies and the domain given to <c>&lt;Postmaster&gt;</c> (<see cref="SmtpOptions.ServerName"/>).</param>
/// <param name="Budget">The DATA all sessions may hold at once (<see cref="SmtpOptions.MaxDataInFlight"/>); null: no bound.</param>
internal sealed record ClientLimits(TimeSpan IdleTimeout, int MaxMessageSize, int MaxRecipients, string ServerName, DataBudget? Budget = null)
{
    /// <summary>The limits configured in <paramref name="options"/>, with the process's one <paramref name="budget"/>.</summary>
    public static ClientLimits From(SmtpOptions options, DataBudget budget)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ClientLimits(options.CommandTimeout, options.MaxMessageSize, options.MaxRecipients, options.ServerName, budget);
    }
}
