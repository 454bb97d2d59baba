namespace MailGate.Rules;

/// <summary>The message facts a condition, extract or template can read.</summary>
internal enum FieldKind
{
    Sender,
    From,
    EnvelopeFrom,
    Recipient,
    To,
    Cc,
    Subject,
    Body,
    ListId,
    MessageId,
    Header,
    AccountId,
    AccountName,
    AccountIds,
    Source,
    CaseId,
    DisplayId,
    Category,
    Service,
    Severity,
    Status,
    SubmittedBy,
    Language,
    TimeCreated,
    AccountEmail,
}
