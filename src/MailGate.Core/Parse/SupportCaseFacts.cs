namespace MailGate.Core.Parse;

/// <summary>
/// An AWS Support case as rules see it: the fields of a <c>DescribeCases</c> case, normalised (absent
/// values are empty strings). Carried by <see cref="MessageFacts.Case"/> when the facts came from the
/// Support API rather than from mail.
/// </summary>
public sealed record SupportCaseFacts
{
    /// <summary>AWS's case id, e.g. <c>case-123456789012-muen-2026-7c0ff3e8a1b2c3d4</c>: stable, unique, the dedup identity.</summary>
    public required string CaseId { get; init; }

    /// <summary>The number shown in the console, e.g. <c>178123456789</c>.</summary>
    public string DisplayId { get; init; } = "";

    /// <summary><c>categoryCode</c>, e.g. <c>security</c>.</summary>
    public string Category { get; init; } = "";

    /// <summary><c>serviceCode</c>, e.g. <c>amazon-elastic-compute-cloud-linux</c>.</summary>
    public string Service { get; init; } = "";

    /// <summary><c>severityCode</c>: <c>low</c>, <c>normal</c>, <c>high</c>, <c>urgent</c> or <c>critical</c>.</summary>
    public string Severity { get; init; } = "";

    /// <summary><c>status</c>, e.g. <c>opened</c>, <c>pending-customer-action</c>, <c>resolved</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>Who opened the case (<c>submittedBy</c>), an email address.</summary>
    public string SubmittedBy { get; init; } = "";

    /// <summary>The case's language as the Support API files it: <c>en</c>, <c>ja</c>, …</summary>
    public string Language { get; init; } = "";

    /// <summary><c>timeCreated</c> exactly as AWS wrote it (ISO 8601).</summary>
    public string TimeCreated { get; init; } = "";

    /// <summary>The account's root email address, from AWS Organizations; empty when unknown.</summary>
    public string AccountEmail { get; init; } = "";

    /// <summary>The case in the AWS Support console (the account's own console session is needed to open it).</summary>
    public string ConsoleUrl => DisplayId.Length > 0
        ? $"https://console.aws.amazon.com/support/home#/case/?displayId={Uri.EscapeDataString(DisplayId)}&language={Uri.EscapeDataString(Language.Length > 0 ? Language : "en")}"
        : "";
}
