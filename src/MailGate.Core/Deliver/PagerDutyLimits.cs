namespace MailGate.Core.Deliver;

/// <summary>PagerDuty Events API v2 limits, and the bounds MailGate keeps well inside them.</summary>
public static class PagerDutyLimits
{
    /// <summary>The API's maximum summary length.</summary>
    public const int SummaryLength = 1024;

    /// <summary>The API's maximum dedup key length.</summary>
    public const int DedupKeyLength = 255;

    /// <summary>How much of the text body goes into custom details.</summary>
    public const int BodyExcerptLength = 8 * 1024;

    /// <summary>How long any other single text field in custom details may be.</summary>
    public const int FieldLength = 1024;

    /// <summary>How many recipients custom details list.</summary>
    public const int Recipients = 50;

    /// <summary>How many extracted values custom details list.</summary>
    public const int ExtractedValues = 50;
}
