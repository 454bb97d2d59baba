namespace MailGate.Coverage;

/// <summary>One account coverage probes: where its probe goes.</summary>
/// <param name="AccountId">The 12-digit AWS account id (the documents' key).</param>
/// <param name="AccountName">The account's name (AWS Organizations, else the rules file's <c>accounts:</c>); may be empty.</param>
/// <param name="RootAddress">The root address the probe is sent to.</param>
public sealed record CoverageTarget(string AccountId, string AccountName, string RootAddress);
