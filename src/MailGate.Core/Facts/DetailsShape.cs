namespace MailGate.Core.Facts;

/// <summary>
/// How a field is written into PagerDuty's <c>custom_details</c>. Every string there is escaped for
/// display and bounded (<c>PagerDutyLimits</c>), so an event stays far below the API's size limit.
/// </summary>
public enum DetailsShape
{
    /// <summary>One string, escaped and cut to <c>PagerDutyLimits.FieldLength</c>.</summary>
    Text,

    /// <summary>Like <see cref="Text"/>, whitespace-normalised first: a title is one line.</summary>
    OneLine,

    /// <summary>
    /// The start of a long text, line breaks and tabs kept, cut to <c>PagerDutyLimits.BodyExcerptLength</c>,
    /// and a second entry <c>{key}_truncated</c> saying whether it was cut.
    /// </summary>
    Excerpt,

    /// <summary>Every value, each as <see cref="Text"/>.</summary>
    List,

    /// <summary>The first <c>PagerDutyLimits.Recipients</c> values, each as <see cref="Text"/>.</summary>
    CappedList,

    /// <summary>An instant in ISO 8601 round-trip form (<c>2026-11-28T14:03:09.0000000+00:00</c>).</summary>
    Time,
}
