namespace MailGate.Core.Rules;

/// <summary>A named destination that rules send matches to.</summary>
public sealed record Route(string Name, PagerDutyTarget PagerDuty);
