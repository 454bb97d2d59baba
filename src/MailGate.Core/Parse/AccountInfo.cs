namespace MailGate.Core.Parse;

/// <summary>One AWS account as the <c>accounts:</c> map names it.</summary>
/// <param name="Id">The 12-digit account id.</param>
/// <param name="Name">A name people know it by, e.g. <c>prod-payments</c>.</param>
/// <param name="Owner">Who owns it (a team, a person), for the responder.</param>
public sealed record AccountInfo(string Id, string Name, string Owner);
