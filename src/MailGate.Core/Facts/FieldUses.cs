namespace MailGate.Core.Facts;

/// <summary>Where a <see cref="Field"/> can be read. A field is declared once; these say which consumers list it.</summary>
[Flags]
public enum FieldUses
{
    /// <summary>Nowhere (not a valid declaration).</summary>
    None = 0,

    /// <summary>
    /// A key of a rule's <c>when:</c> (tested by the operators) and a source of its <c>extract:</c>; a
    /// <see cref="FieldKind.Verdict"/> field is a <c>when:</c> key with its own syntax and cannot be extracted from.
    /// </summary>
    Condition = 1,

    /// <summary>A built-in <c>{placeholder}</c> of <c>summary</c> and <c>dedup_key</c> templates.</summary>
    Template = 2,

    /// <summary>An entry of the PagerDuty event's <c>custom_details</c>.</summary>
    Details = 4,

    /// <summary>
    /// Printed by <c>mailgate rules test</c> among the facts: in <c>--json</c>'s facts, and in the text after the
    /// lines it lays out itself for each source (which may also show fields without this flag, e.g. <c>account</c>).
    /// </summary>
    Shown = 8,

    /// <summary>Everywhere: conditions, templates, custom details and <c>rules test</c>.</summary>
    All = Condition | Template | Details | Shown,
}
