namespace MailGate.Core.Parse;

/// <summary>The values of the rules field <c>source</c>: where a message's facts came from.</summary>
public static class MessageSources
{
    /// <summary>Mail received over SMTP.</summary>
    public const string Mail = "mail";

    /// <summary>A case read from the AWS Support API.</summary>
    public const string SupportCase = "support-case";

    /// <summary>An AWS Health event (one event and one affected account), polled from Health's organizational view or pushed by EventBridge.</summary>
    public const string HealthEvent = "health-event";

    /// <summary>An alert MailGate raised about its own coverage (issue #15): decided by the rules file's <c>coverage:</c> section, never by its rules.</summary>
    public const string Coverage = "coverage";
}
