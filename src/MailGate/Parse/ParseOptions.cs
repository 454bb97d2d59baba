using MailGate.Core.Parse;

namespace MailGate.Parse;

/// <summary>How received mail is read (configuration section <c>Parse</c>).</summary>
public sealed class ParseOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Parse";

    /// <summary>
    /// Charsets tried, in order, for 8-bit text whose charset is not declared (raw bytes in a Subject,
    /// a display name, X-Original-From; a body part without a fitting <c>charset</c>), after UTF-8 and the
    /// charsets the message declares on its parts (see <see cref="MessageParserOptions.FallbackCharsets"/>).
    /// Names as .NET knows them; an unknown name fails the start.
    /// </summary>
    /// <value>Null: <c>shift_jis</c>, <c>euc-jp</c>, <c>windows-1252</c> (<see cref="MessageParserOptions.DefaultFallbackCharsets"/>).</value>
    public string[]? FallbackCharsets { get; set; }

    /// <summary>The parser options these settings give.</summary>
    internal MessageParserOptions ToParserOptions() =>
        new() { FallbackCharsets = FallbackCharsets ?? MessageParserOptions.DefaultFallbackCharsets };
}
