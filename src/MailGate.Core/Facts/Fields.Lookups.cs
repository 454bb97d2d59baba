using System.Collections.Frozen;

namespace MailGate.Core.Facts;

/// <summary>The registry as each consumer looks it up.</summary>
public static partial class Fields
{
    /// <summary>
    /// Every key a rule's <c>when:</c> takes as a field, joined by <c>", "</c> for "expected one of"
    /// messages: <c>sender, from, …, header, authenticated, source, case_id, …</c>.
    /// </summary>
    public static string ConditionNames => Lookup.ConditionNames;

    /// <summary>
    /// The built-in placeholders' names for "expected one of" messages: <c>subject</c> first (the default
    /// summary, the placeholder most written), then the others in registry order.
    /// </summary>
    public static IReadOnlyList<string> PlaceholderNames => Lookup.PlaceholderNames;

    /// <summary>The field a condition's operators and an extract's regex read by <paramref name="name"/>, or null (also for <c>authenticated</c>, which has its own syntax).</summary>
    public static Field? Condition(string name) => Lookup.Conditions.GetValueOrDefault(name);

    /// <summary>The field the built-in placeholder <c>{<paramref name="name"/>}</c> writes, or null.</summary>
    public static Field? Placeholder(string name) => Lookup.Placeholders.GetValueOrDefault(name);

    /// <summary>The field named <paramref name="name"/>, whatever its uses, or null.</summary>
    public static Field? Named(string name) => Lookup.Named.GetValueOrDefault(name);

    /// <summary>The fields <c>rules test</c> prints for facts from <paramref name="source"/>, in registry order.</summary>
    public static IEnumerable<Field> Shown(FactSource source) => All.Where(f => f.Has(FieldUses.Shown) && f.ReadsFrom(source));

    /// <summary>The fields written into PagerDuty's custom details, in registry order.</summary>
    public static IEnumerable<Field> InDetails => All.Where(f => f.Has(FieldUses.Details));

    /// <summary>Built on first use, after every declaration has run.</summary>
    private static class Lookup
    {
        public static readonly FrozenDictionary<string, Field> Named = Check(All).ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

        public static readonly FrozenDictionary<string, Field> Conditions = All
            .Where(f => f.Has(FieldUses.Condition) && f.Kind != FieldKind.Verdict)
            .ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

        public static readonly FrozenDictionary<string, Field> Placeholders = All
            .Where(f => f.Has(FieldUses.Template))
            .ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

        public static readonly string ConditionNames = string.Join(", ", All.Where(f => f.Has(FieldUses.Condition)).Select(f => f.Name));

        public static readonly IReadOnlyList<string> PlaceholderNames =
            [.. All.Where(f => f.Has(FieldUses.Template)).OrderBy(f => f != Subject).Select(f => f.Name)];

        /// <summary>The declarations, refused at first use when two share a name, or two JSON keys would collide in one object.</summary>
        private static IReadOnlyList<Field> Check(IReadOnlyList<Field> fields)
        {
            if (fields.GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } name)
            {
                throw new InvalidOperationException($"two fields are named '{name.Key}'");
            }

            if (fields.Where(f => f.Has(FieldUses.Details) || f.Has(FieldUses.Shown))
                    .SelectMany(f => f.Owned ? f.Sources.Select(s => (Object: s.Name, f.Key)) : [(Object: "", f.Key)])
                    .GroupBy(k => k)
                    .FirstOrDefault(g => g.Count() > 1) is { } key)
            {
                throw new InvalidOperationException($"two fields write the JSON key '{key.Key.Key}'");
            }

            return fields;
        }
    }
}
