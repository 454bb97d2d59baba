using static MailGate.Core.Facts.Reads;

namespace MailGate.Core.Facts;

/// <summary>
/// The registry of facts: every field MailGate knows about a message, declared once, in the order
/// docs/rules.md lists them. Each declaration gives the name, the kind, one line of doc, where the
/// field is used and how each source gives its value (<see cref="Reads"/>: <c>Every</c> when the
/// source's reader already put it into <c>MessageFacts</c>, <c>Mail</c> or <c>SupportCase</c> for one
/// source; a source without a reader reads the field as empty). Conditions and extracts
/// (<see cref="Condition"/>), template placeholders (<see cref="Placeholder"/>), <c>rules test</c>'s
/// facts (<see cref="Shown"/>), PagerDuty's custom details and the docs table all read these
/// declarations. To add a fact: one declaration here (and the value in the source's facts).
/// </summary>
/// <remarks>
/// Where the placeholder writes a value differently from what conditions read (<c>recipient</c>,
/// <c>to</c>, <c>cc</c>, <c>account_ids</c>, <c>account</c>), the declaration says so with its own
/// <c>Placeholder</c>; tests pin both readings.
/// </remarks>
public static partial class Fields
{
    private const string Default = "";

    /// <summary>The <c>authenticated</c> value of a support case: mail authentication does not apply.</summary>
    internal const string SupportApiVerdict = "not applicable: read from the AWS Support API";

    /// <summary>The <c>authenticated</c> value of a Health event: mail authentication does not apply.</summary>
    internal const string HealthVerdict = "not applicable: an AWS Health event";

    /// <summary>The <c>authenticated</c> value of a coverage alert: raised by MailGate itself.</summary>
    internal const string CoverageVerdict = "not applicable: a coverage alert MailGate raised";

    /// <summary>The fields as declared; first, so that it exists when the declarations below run.</summary>
    private static readonly List<Field> Declared = [];

    /// <summary>Every field, in the order declared below: the order of docs/rules.md's table and of conditions' and placeholders' lists.</summary>
    public static IReadOnlyList<Field> All { get; } = Declared.AsReadOnly();

    /// <summary><c>sender</c>: the original author.</summary>
    public static TextField Sender { get; } = Declare(new TextField("sender", FieldKind.Address,
        "The original author, behind Google Groups' `From:` rewriting; for a support case, who opened it (`submittedBy`).",
        FieldUses.All, Every(f => f.Sender)));

    /// <summary><c>from</c>: the From header's address.</summary>
    public static TextField From { get; } = Declare(new TextField("from", FieldKind.Address,
        "The `From:` header's address as written (the group's address when the group rewrote it); for a support case, who opened it.",
        FieldUses.All, Every(f => f.From)));

    /// <summary><c>envelope_from</c>: MAIL FROM.</summary>
    public static TextField EnvelopeFrom { get; } = Declare(new TextField("envelope_from", FieldKind.Address,
        "The SMTP envelope sender (MAIL FROM); empty for the null sender `<>`.",
        FieldUses.All, Mail(f => f.EnvelopeFrom)));

    /// <summary><c>recipient</c>: RCPT TO; the placeholder is the first.</summary>
    public static ListField Recipient { get; } = Declare(new ListField("recipient", FieldKind.AddressList,
        "The SMTP envelope recipients (RCPT TO) the gateway accepted: the addresses the mail was sent to here. `{recipient}` is the first.",
        FieldUses.All, Mail(f => f.Recipients))
    {
        Key = "recipients",
        Details = DetailsShape.CappedList,
        Placeholder = values => values.Count > 0 ? values[0] : Default,
    });

    /// <summary><c>to</c>: the To header's addresses; the placeholder joins them with ",".</summary>
    public static ListField To { get; } = Declare(new ListField("to", FieldKind.AddressList,
        "Addresses of the `To:` header. `{to}` joins them with `,`.",
        FieldUses.Condition | FieldUses.Template | FieldUses.Shown, Mail(f => f.To))
    {
        Placeholder = values => string.Join(",", values),
    });

    /// <summary><c>cc</c>: the Cc header's addresses; the placeholder joins them with ",".</summary>
    public static ListField Cc { get; } = Declare(new ListField("cc", FieldKind.AddressList,
        "Addresses of the `Cc:` header. `{cc}` joins them with `,`.",
        FieldUses.Condition | FieldUses.Template | FieldUses.Shown, Mail(f => f.Cc))
    {
        Placeholder = values => string.Join(",", values),
    });

    /// <summary><c>subject</c>.</summary>
    public static TextField Subject { get; } = Declare(new TextField("subject", FieldKind.Text,
        "The subject, RFC 2047 encoded words decoded; for a support case, the case's subject.",
        FieldUses.All, Every(f => f.Subject))
    {
        Details = DetailsShape.OneLine,
    });

    /// <summary><c>body</c>: a regex reads it line by line.</summary>
    public static TextField Body { get; } = Declare(new TextField("body", FieldKind.Text,
        "The text body (text taken from the HTML when there is no text part); for a support case, its first communication. A `regex` reads it line by line.",
        FieldUses.Condition | FieldUses.Details | FieldUses.Shown, Every(f => f.Body))
    {
        Details = DetailsShape.Excerpt,
        RegexReadsLines = true,
    });

    /// <summary><c>list_id</c>.</summary>
    public static TextField ListId { get; } = Declare(new TextField("list_id", FieldKind.Text,
        "The first `List-Id:` header's identifier without angle brackets: the Google Group the mail was sent to.",
        FieldUses.All, Mail(f => f.ListId)));

    /// <summary><c>message_id</c>.</summary>
    public static TextField MessageId { get; } = Declare(new TextField("message_id", FieldKind.Text,
        "The `Message-ID:` without angle brackets; empty when the mail has none.",
        FieldUses.All, Mail(f => f.MessageId)));

    /// <summary><c>date</c>: shown by rules test only.</summary>
    public static TimeField Date { get; } = Declare(new TimeField("date",
        "The `Date:` header, when present and valid; for a support case, `timeCreated`. Shown by `rules test`; rules do not read it.",
        FieldUses.Shown, Every(f => f.Date)));

    /// <summary><c>received_at</c>: in the custom details only.</summary>
    public static TimeField ReceivedAt { get; } = Declare(new TimeField("received_at",
        "When the gateway accepted the mail (its 250) or the poller found the case. In the incident's details; rules do not read it.",
        FieldUses.Details, Every(f => (DateTimeOffset?)f.ReceivedAt)));

    /// <summary><c>message_key</c>: what identifies one email; a placeholder only.</summary>
    public static TextField MessageKey { get; } = Declare(new TextField("message_key", FieldKind.Text,
        "What identifies one email, never empty: its Message-ID, else `content:` and a hash of what the author wrote; for a support case, `case:` and the case id. Templates only.",
        FieldUses.Template,
        Mail(f => f.MessageId.Length > 0 ? f.MessageId : "content:" + f.ContentHash),
        SupportCase(c => "case:" + c.CaseId),
        HealthEvent(h => h.Identity),
        Alert(Parse.CoverageAlertReader.Identity)));

    /// <summary><c>spool_id</c>.</summary>
    public static TextField SpoolId { get; } = Declare(new TextField("spool_id", FieldKind.Text,
        "The spool id the gateway gave the message when it accepted it (where to find it on the gateway). Templates and the incident's details.",
        FieldUses.Template | FieldUses.Details, Every(f => f.SpoolId)));

    /// <summary><c>rule</c>: the matching rule's name; a placeholder only.</summary>
    public static RuleNameField Rule { get; } = Declare(new RuleNameField("rule",
        "The name of the rule whose summary or dedup key is written. Templates only."));

    /// <summary><c>account</c>: the account as people say it; the placeholder says "unknown account" when none is known.</summary>
    public static TextField Account { get; } = Declare(new TextField("account", FieldKind.Text,
        "The AWS account as people say it: `prod-payments (123456789012)`, or the id; for a notice about several accounts each of them, joined by `, `. `{account}` is `unknown account` when none is known. Not a condition.",
        FieldUses.Template | FieldUses.Details, Every(f => f.Account))
    {
        Placeholder = value => value.Length > 0 ? value : "unknown account",
    });

    /// <summary><c>account_id</c>.</summary>
    public static TextField AccountId { get; } = Declare(new TextField("account_id", FieldKind.Text,
        "The 12-digit AWS account the message concerns (from its text, or the `accounts:` map; for a support case, the account it was found in); the first when it names several.",
        FieldUses.All, Every(f => f.AccountId)));

    /// <summary><c>account_ids</c>; the placeholder joins them with ", ".</summary>
    public static ListField AccountIds { get; } = Declare(new ListField("account_ids", FieldKind.List,
        "Every AWS account id the message concerns, `account_id` first, in the order written. `{account_ids}` joins them with `, `.",
        FieldUses.All, Every(f => f.AccountIds))
    {
        Placeholder = values => string.Join(", ", values),
    });

    /// <summary><c>account_name</c>.</summary>
    public static TextField AccountName { get; } = Declare(new TextField("account_name", FieldKind.Text,
        "The account's name from the `accounts:` map (for a support case, from AWS Organizations), e.g. `prod-payments`.",
        FieldUses.Condition | FieldUses.Template | FieldUses.Shown, Every(f => f.AccountName)));

    /// <summary><c>account_owner</c>.</summary>
    public static TextField AccountOwner { get; } = Declare(new TextField("account_owner", FieldKind.Text,
        "The account's owner from the `accounts:` map. Not a condition.",
        FieldUses.Template | FieldUses.Details | FieldUses.Shown, Every(f => f.AccountOwner)));

    /// <summary><c>header</c>: the values of one header, by name.</summary>
    public static HeaderField Header { get; } = Declare(new HeaderField("header",
        "Every value of the header named by `name` (ignoring case): `header: { name: X-Mailer, contains: Foo }`. Conditions and extracts only.",
        FieldUses.Condition, Mail(f => f.Headers)));

    /// <summary><c>authenticated</c>: what was verified about the mail's origin.</summary>
    public static TextField Authenticated { get; } = Declare(new TextField("authenticated", FieldKind.Verdict,
        "What could be verified about where the mail came from (ARC seal, DKIM, Google's verdict on the author), tested with its own keys: `authenticated: { arc_sealed_by: google.com }`. Support cases are read from AWS's own API.",
        FieldUses.Condition | FieldUses.Details | FieldUses.Shown,
        Mail(f => f.Authentication.ToString()),
        SupportCase(_ => SupportApiVerdict),
        HealthEvent(_ => HealthVerdict),
        Alert(_ => CoverageVerdict))
    {
        Key = "authentication",
        ShownAs = f => f.Authentication.ToString(),
    });

    /// <summary><c>source</c>: mail or support-case.</summary>
    public static TextField Source { get; } = Declare(new TextField("source", FieldKind.Text,
        "Where the facts came from: `mail`, `support-case` (an AWS Support case found by the poller) `health-event` (an AWS Health event for one account) or `coverage` (an alert MailGate raised about its own coverage; never seen by rules).",
        FieldUses.Condition | FieldUses.Template | FieldUses.Shown, Every(f => f.Source)));

    /// <summary><c>case_id</c>.</summary>
    public static TextField CaseId { get; } = Declare(new TextField("case_id", FieldKind.Text,
        "AWS's case id, e.g. `case-123456789012-muen-2026-7c0ff3e8a1b2c3d4`: stable and unique. Empty for mail.",
        FieldUses.All, SupportCase(c => c.CaseId)));

    /// <summary><c>display_id</c>.</summary>
    public static TextField DisplayId { get; } = Declare(new TextField("display_id", FieldKind.Text,
        "The case number the AWS console shows, e.g. `178123456789`. Empty for mail.",
        FieldUses.All, SupportCase(c => c.DisplayId)));

    /// <summary><c>category</c>.</summary>
    public static TextField Category { get; } = Declare(new TextField("category", FieldKind.Text,
        "The case's `categoryCode`, e.g. `security`; a Health event's `eventTypeCategory` (`issue`, `accountNotification`, …). Empty for mail.",
        FieldUses.All, SupportCase(c => c.Category), HealthEvent(h => h.Category)));

    /// <summary><c>service</c>.</summary>
    public static TextField Service { get; } = Declare(new TextField("service", FieldKind.Text,
        "The case's `serviceCode`, e.g. `amazon-elastic-compute-cloud-linux`; a Health event's `service` (`RISK`, `ABUSE`, `EC2`, …). Empty for mail.",
        FieldUses.All, SupportCase(c => c.Service), HealthEvent(h => h.Service)));

    /// <summary><c>severity</c>.</summary>
    public static TextField Severity { get; } = Declare(new TextField("severity", FieldKind.Text,
        "The case's `severityCode`: `low`, `normal`, `high`, `urgent` or `critical`. Empty for mail.",
        FieldUses.All, SupportCase(c => c.Severity)));

    /// <summary><c>status</c>.</summary>
    public static TextField Status { get; } = Declare(new TextField("status", FieldKind.Text,
        "The case's status when it was read: `opened`, `pending-customer-action`, `resolved`, …; a Health event's: `open`, `upcoming` or `closed`. Empty for mail.",
        FieldUses.All, SupportCase(c => c.Status), HealthEvent(h => h.Status)));

    /// <summary><c>submitted_by</c>.</summary>
    public static TextField SubmittedBy { get; } = Declare(new TextField("submitted_by", FieldKind.Address,
        "Who opened the case (`submittedBy`), also its `sender`. Empty for mail.",
        FieldUses.All, SupportCase(c => c.SubmittedBy)));

    /// <summary><c>language</c>.</summary>
    public static TextField Language { get; } = Declare(new TextField("language", FieldKind.Text,
        "The language the case is filed under: `en`, `ja`, …. Empty for mail.",
        FieldUses.All, SupportCase(c => c.Language)));

    /// <summary><c>time_created</c>.</summary>
    public static TextField TimeCreated { get; } = Declare(new TextField("time_created", FieldKind.Text,
        "The case's `timeCreated` exactly as AWS wrote it (ISO 8601, compared as text). Empty for mail.",
        FieldUses.All, SupportCase(c => c.TimeCreated)));

    /// <summary><c>account_email</c>.</summary>
    public static TextField AccountEmail { get; } = Declare(new TextField("account_email", FieldKind.Address,
        "The case's account's root email address, from AWS Organizations; empty when unknown, and for mail.",
        FieldUses.Condition | FieldUses.Template | FieldUses.Details, SupportCase(c => c.AccountEmail)));

    /// <summary><c>case_url</c>.</summary>
    public static TextField CaseUrl { get; } = Declare(new TextField("case_url", FieldKind.Url,
        "The case in the AWS Support console (opening it needs a console session in the account). Templates and the incident's details; empty for mail.",
        FieldUses.Template | FieldUses.Details, SupportCase(c => c.ConsoleUrl))
    {
        Key = "console_url",
    });

    /// <summary><c>event_arn</c>.</summary>
    public static TextField EventArn { get; } = Declare(new TextField("event_arn", FieldKind.Text,
        "A Health event's ARN, e.g. `arn:aws:health:global::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/…`. Empty for mail and cases.",
        FieldUses.All, HealthEvent(h => h.EventArn)));

    /// <summary><c>event_type_code</c>.</summary>
    public static TextField EventTypeCode { get; } = Declare(new TextField("event_type_code", FieldKind.Text,
        "A Health event's type, e.g. `AWS_RISK_CREDENTIALS_EXPOSED`, `AWS_ABUSE_DOS_REPORT`; its `subject` is a readable form (`AWS Risk: credentials exposed`). Empty for mail and cases.",
        FieldUses.All, HealthEvent(h => h.EventTypeCode)));

    /// <summary><c>region</c>.</summary>
    public static TextField Region { get; } = Declare(new TextField("region", FieldKind.Text,
        "A Health event's region, e.g. `us-east-1` or `global`. Empty for mail and cases.",
        FieldUses.All, HealthEvent(h => h.Region)));

    /// <summary><c>start_time</c>.</summary>
    public static TextField StartTime { get; } = Declare(new TextField("start_time", FieldKind.Text,
        "A Health event's `startTime`, ISO 8601 UTC (`2026-11-30T08:15:00Z`, compared as text). Empty for mail and cases.",
        FieldUses.All, HealthEvent(h => h.StartTimeText)));

    /// <summary><c>last_updated_time</c>.</summary>
    public static TextField LastUpdatedTime { get; } = Declare(new TextField("last_updated_time", FieldKind.Text,
        "A Health event's `lastUpdatedTime`, ISO 8601 UTC (compared as text). Empty for mail and cases.",
        FieldUses.All, HealthEvent(h => h.LastUpdatedTimeText)));

    /// <summary><c>description</c>.</summary>
    public static TextField Description { get; } = Declare(new TextField("description", FieldKind.Text,
        "A Health event's latest description (also its `body`). Empty for mail and cases.",
        FieldUses.Condition | FieldUses.Template, HealthEvent(h => h.Description)));

    /// <summary><c>coverage_kind</c>.</summary>
    public static TextField CoverageKind { get; } = Declare(new TextField("coverage_kind", FieldKind.Text,
        "A coverage alert's kind: `missing`, `send_failed` or `silence` (in its PagerDuty details; rules never see coverage alerts). Empty otherwise.",
        FieldUses.Details | FieldUses.Shown, Alert(a => a.Kind)));

    /// <summary>Adds <paramref name="field"/> to <see cref="All"/> (declarations run in the order written).</summary>
    private static T Declare<T>(T field)
        where T : Field
    {
        field.Index = Declared.Count;
        Declared.Add(field);
        return field;
    }
}
