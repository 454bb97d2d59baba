using MailGate.Observability;
using Microsoft.Extensions.Logging;

namespace MailGate.Receive;

/// <summary>Where one connection's refusals and timeouts are logged and counted.</summary>
/// <param name="Logger">The log.</param>
/// <param name="SessionId">SmtpServer's session id.</param>
/// <param name="ClientAddress">The client's IP address.</param>
/// <param name="Rejected">
/// Counts one refusal by reply code and reason (<see cref="MailGateMetrics.MessageRejected"/>, metric
/// <c>mailgate.smtp.messages.rejected</c>).
/// </param>
internal sealed record ClientReport(ILogger Logger, string SessionId, string ClientAddress, Action<int, string> Rejected);
