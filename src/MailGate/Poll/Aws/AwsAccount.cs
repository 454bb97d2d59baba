namespace MailGate.Poll.Aws;

/// <summary>One account of the AWS Organization, as ListAccounts describes it.</summary>
/// <param name="Id">The 12-digit account id.</param>
/// <param name="Name">The account's friendly name.</param>
/// <param name="Email">The account's root email address.</param>
/// <param name="Status">Its state: <c>ACTIVE</c>, <c>SUSPENDED</c>, <c>PENDING_CLOSURE</c>, … (from <c>State</c> when AWS sends it, else <c>Status</c>).</param>
internal sealed record AwsAccount(string Id, string Name, string Email, string Status);
