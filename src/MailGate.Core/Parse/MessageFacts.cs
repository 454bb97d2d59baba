using MailGate.Core.Coverage;

namespace MailGate.Core.Parse;

/// <summary>
/// The normalised facts about one received message: what rules read, what templates print and what
/// PagerDuty's custom details carry. Built once per message by <c>MessageParser</c> (mail) or
/// <c>SupportCaseReader</c> (an AWS Support case); immutable.
/// </summary>
/// <remarks>
/// Addresses are bare <c>local@domain</c> strings as written (no display names); absent values are
/// empty strings or empty lists, never null, so that rules need no null checks.
/// </remarks>
public sealed record MessageFacts
{
    /// <summary>The spool id the gateway gave the message when it answered 250.</summary>
    public required string SpoolId { get; init; }

    /// <summary>The original author, resolved behind Google Groups' <c>From:</c> rewriting.</summary>
    public string Sender { get; init; } = "";

    /// <summary>The <c>From:</c> header's address as written (the group's address when rewritten).</summary>
    public string From { get; init; } = "";

    /// <summary>The SMTP envelope sender (MAIL FROM); empty for the null sender <c>&lt;&gt;</c>.</summary>
    public string EnvelopeFrom { get; init; } = "";

    /// <summary>The SMTP envelope recipients (RCPT TO) that the gateway accepted.</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>Addresses of the <c>To:</c> header.</summary>
    public IReadOnlyList<string> To { get; init; } = [];

    /// <summary>Addresses of the <c>Cc:</c> header.</summary>
    public IReadOnlyList<string> Cc { get; init; } = [];

    /// <summary>The subject, RFC 2047 encoded words decoded (UTF-8, ISO-2022-JP and other charsets).</summary>
    public string Subject { get; init; } = "";

    /// <summary>The text body, or text extracted from the HTML body when there is no text part.</summary>
    public string Body { get; init; } = "";

    /// <summary>
    /// The first <c>List-Id</c> header's identifier without angle brackets, e.g. <c>root-123.example.com</c>.
    /// A group appends its headers below those already there, so after nested groups this is the first
    /// group the mail passed (the one it was sent to); <see cref="Headers"/> holds every List-Id.
    /// </summary>
    public string ListId { get; init; } = "";

    /// <summary>The <c>Message-ID</c> without angle brackets; empty when the message has none.</summary>
    public string MessageId { get; init; } = "";

    /// <summary>The <c>Date:</c> header, when present and valid.</summary>
    public DateTimeOffset? Date { get; init; }

    /// <summary>When the gateway accepted the message (the 250).</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>
    /// A stable hash of what the author wrote (author, date, subject, To, Cc, body), hex: identifies the
    /// same email arriving twice when it has no Message-ID, whichever groups it passed (their footers,
    /// subject tags and headers are left out; see <c>ContentIdentity</c>).
    /// </summary>
    public string ContentHash { get; init; } = "";

    /// <summary>
    /// The 12-digit AWS account the message concerns, when known (from its text, or the rules file's
    /// <c>accounts</c> map); the first of <see cref="AccountIds"/> when it names several.
    /// </summary>
    public string AccountId { get; init; } = "";

    /// <summary>The account's name from the rules file's <c>accounts</c> map, e.g. <c>prod-payments</c>.</summary>
    public string AccountName { get; init; } = "";

    /// <summary>The account's owner from the rules file's <c>accounts</c> map.</summary>
    public string AccountOwner { get; init; } = "";

    /// <summary>
    /// The further accounts the message names after <see cref="AccountId"/> (a notice about several
    /// accounts), in the order written, each with its name and owner from the <c>accounts</c> map when
    /// known; empty for a message about one account.
    /// </summary>
    public IReadOnlyList<AccountInfo> OtherAccounts { get; init; } = [];

    /// <summary>Every account id the message concerns: <see cref="AccountId"/>, then <see cref="OtherAccounts"/>' (the rules field and placeholder <c>account_ids</c>).</summary>
    public IReadOnlyList<string> AccountIds => AccountId.Length == 0 ? [] : [AccountId, .. OtherAccounts.Select(a => a.Id)];

    /// <summary>
    /// The account as people say it: <c>prod-payments (123456789012)</c>, or just the id, or empty; for a
    /// message about several accounts each of them so, joined by <c>", "</c>:
    /// <c>prod-payments (123456789012), 210987654321</c>.
    /// </summary>
    public string Account => OtherAccounts.Count == 0
        ? Said(AccountName, AccountId)
        : string.Join(", ", OtherAccounts.Select(a => Said(a.Name, a.Id)).Prepend(Said(AccountName, AccountId)));

    /// <summary>What could be verified about where the message came from (ARC, DKIM, Google's original verdict).</summary>
    public Authentication.AuthenticationFacts Authentication { get; init; } = Parse.Authentication.AuthenticationFacts.NotChecked;

    /// <summary>The AWS Support case these facts describe; null for mail.</summary>
    public SupportCaseFacts? Case { get; init; }

    /// <summary>The AWS Health event (for one affected account) these facts describe; null for mail and support cases.</summary>
    public HealthEvent? Health { get; init; }

    /// <summary>Whether the facts were read from an AWS API (a support case or a Health event) rather than from mail: trusted by source.</summary>
    public bool FromAws => Case is not null || Health is not null;

    /// <summary>The coverage alert (issue #15) these facts describe; null for everything else. Decided without the rules.</summary>
    public CoverageAlert? Coverage { get; init; }

    /// <summary>Where the facts came from: <c>mail</c>, <c>support-case</c>, <c>health-event</c> or <c>coverage</c> (the rules field <c>source</c>).</summary>
    public string Source => Case is not null ? MessageSources.SupportCase
        : Health is not null ? MessageSources.HealthEvent
        : Coverage is not null ? MessageSources.Coverage
        : MessageSources.Mail;

    /// <summary>Whether the mail is a report about another message (top-level <c>multipart/report</c>, RFC 6522: a bounce, a read receipt).</summary>
    public bool IsReport { get; init; }

    /// <summary>Every header by name (case-insensitive), values decoded, in the order they appear.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);

    private static string Said(string name, string id) => name.Length > 0
        ? id.Length > 0 ? $"{name} ({id})" : name
        : id;
}
