namespace MailGate.Spool;

/// <summary>The message spool (configuration section <c>Spool</c>).</summary>
public sealed class SpoolOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Spool";

    /// <summary>The spool's folder, relative to the working directory unless absolute.</summary>
    /// <value><c>data/spool</c>; <c>/var/lib/mailgate/spool</c> (a volume) in the container.</value>
    public string Path { get; set; } = "data/spool";
}
