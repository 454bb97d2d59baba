namespace MailGate.Core.Rules;

/// <summary>How a field's value is compared with a rule's operands.</summary>
internal enum OperatorKind
{
    Equal,
    Contains,
    StartsWith,
    EndsWith,
    Domain,
    Regex,
}
