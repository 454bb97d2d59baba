using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace MailGate.Core.Rules;

/// <summary>Reads the value of one key into <paramref name="target"/>; false when it had errors (already reported).</summary>
internal delegate bool KeyReader<in T>(ParseContext context, MappingEntry entry, T target);

/// <summary>One key of a mapping: its text (trimmed where the schema says so), key node and value node.</summary>
/// <param name="Text">The key's text; for <see cref="MappingSchema{T}.ScalarValues"/> schemas, also see <see cref="Value"/>.</param>
/// <param name="Key">The key's node: where unknown and duplicate keys are reported.</param>
/// <param name="Value">The value's node.</param>
/// <param name="Scalar">The value's text, trimmed, when the schema reads only single values; otherwise null.</param>
internal readonly record struct MappingEntry(string Text, YamlNode Key, YamlNode Value, string? Scalar = null);

/// <summary>A key a <see cref="MappingSchema{T}"/> knows: its name, how its value is read, and whether it must be there.</summary>
/// <param name="Name">The key as written in the rules file.</param>
/// <param name="Read">
/// Reads the value; null when the owner of the schema reads it itself after the walk, from
/// <see cref="MappingKeys.TryGet"/> (a value checked against other keys, e.g. a rule's <c>route</c>/<c>action</c>).
/// </param>
internal sealed record SchemaKey<T>(string Name, KeyReader<T>? Read = null)
{
    /// <summary>The error, at the mapping, when the key is absent (given the target, for names in the text); null: optional.</summary>
    public Func<T, string>? Missing { get; init; }

    /// <summary>
    /// As <see cref="Missing"/>, but reported only when nothing else in the mapping failed (a broken key
    /// next to it is the likelier cause). Keys sharing a text report it once.
    /// </summary>
    public Func<T, string>? MissingIfValid { get; init; }

    /// <summary>Read before the other keys are walked, because it names the entry in their errors (a rule's <c>name</c>).</summary>
    public bool First { get; init; }
}

/// <summary>What a <see cref="MappingSchema{T}"/> found in one mapping.</summary>
internal sealed class MappingKeys(bool ok, Dictionary<string, MappingEntry> entries)
{
    /// <summary>False when any key or value had errors (already reported).</summary>
    public bool Ok { get; } = ok;

    /// <summary>The entry of the known key <paramref name="name"/>, when present.</summary>
    public bool TryGet(string name, out MappingEntry entry) => entries.TryGetValue(name, out entry);
}

/// <summary>
/// Reads a YAML mapping against a table of keys, so that every mapping of a rules file reports its
/// unknown, duplicate and missing keys the same way, with positions. The table gives each key's reader;
/// keys outside the table go to <see cref="Resolve"/> (field, operator and account names) or are
/// reported with <see cref="Unknown"/>. A duplicate is a key whose text equals an earlier one's
/// (YamlDotNet refuses most, but not one that differs only by a tag such as <c>!!str</c>).
/// </summary>
/// <remarks>
/// Two orders. By default, keys are walked first (reporting unknown and duplicate ones), then the table is
/// read in its own order, a missing key reported at its turn: the table order is the reading order when
/// one value depends on another (templates on <c>extract</c>). With <see cref="InFileOrder"/>, each
/// value is read as its key is walked (the parts of a condition keep the file's order), and missing
/// keys are reported after the walk.
/// </remarks>
internal sealed class MappingSchema<T>
{
    private readonly SchemaKey<T>[] _keys;
    private readonly Dictionary<string, SchemaKey<T>> _byName;

    public MappingSchema(params SchemaKey<T>[] keys)
    {
        _keys = keys;
        _byName = keys.ToDictionary(k => k.Name, StringComparer.Ordinal);
    }

    /// <summary>The known keys in table order, as error texts list them: <c>a, b, c</c>.</summary>
    public string Names => string.Join(", ", _keys.Select(k => k.Name));

    /// <summary>The error for a key neither in the table nor resolved: given the target, the key's text and <see cref="Names"/>.</summary>
    public Func<T, string, string, string> Unknown { get; init; } = (_, key, names) => $"unknown key '{key}' (expected one of: {names})";

    /// <summary>The reader for a key outside the table (read as it is walked), or null when it is unknown.</summary>
    public Func<string, KeyReader<T>?>? Resolve { get; init; }

    /// <summary>Read each value as its key is walked, instead of in table order after the walk.</summary>
    public bool InFileOrder { get; init; }

    /// <summary>
    /// Every value must be a single value, described for errors as this function of the key says: checked
    /// before the key itself, and given to readers trimmed as <see cref="MappingEntry.Scalar"/>.
    /// </summary>
    public Func<string, string>? ScalarValues { get; init; }

    /// <summary>How key texts are compared to find duplicates; ordinal by default.</summary>
    public IEqualityComparer<string> Comparer { get; init; } = StringComparer.Ordinal;

    /// <summary>Whether key texts are trimmed before anything else (names written by people: addresses).</summary>
    public bool TrimKeys { get; init; }

    /// <summary>The error for a duplicate: given the target, the key's text and the line it was first used on.</summary>
    public Func<T, string, int, string> Duplicate { get; init; } =
        (_, key, line) => string.Create(CultureInfo.InvariantCulture, $"duplicate key '{key}' (first used on line {line})");

    /// <summary>Reads <paramref name="mapping"/> into <paramref name="target"/>.</summary>
    public MappingKeys Read(ParseContext context, YamlMappingNode mapping, T target)
    {
        var ok = true;
        var entries = new Dictionary<string, MappingEntry>(Comparer);
        var first = new List<YamlNode>();
        foreach (var key in _keys.Where(k => k.First))
        {
            // By the key's text, as Walk reads every other key: a tag ("!!str name") does not hide it.
            if (mapping.Children.FirstOrDefault(c => IsNamed(c.Key, key.Name)) is { Key: not null } found)
            {
                var entry = new MappingEntry(key.Name, found.Key, found.Value);
                entries[key.Name] = entry;
                first.Add(found.Key);
                ok &= key.Read?.Invoke(context, entry, target) ?? true;
            }
            else if (key.Missing is { } missing)
            {
                context.Error(mapping, missing(target));
                ok = false;
            }
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            ok &= first.Exists(n => ReferenceEquals(n, keyNode)) || Walk(context, keyNode, valueNode, target, entries);
        }

        foreach (var key in _keys.Where(k => !k.First))
        {
            if (!entries.TryGetValue(key.Name, out var entry))
            {
                if (key.Missing is { } missing)
                {
                    context.Error(mapping, missing(target));
                    ok = false;
                }
            }
            else if (!InFileOrder && key.Read is { } read)
            {
                ok &= read(context, entry, target);
            }
        }

        if (ok)
        {
            foreach (var missing in _keys.Where(k => k.MissingIfValid is not null && !entries.ContainsKey(k.Name)).Select(k => k.MissingIfValid!(target)).Distinct())
            {
                context.Error(mapping, missing);
                ok = false;
            }
        }

        return new MappingKeys(ok, entries);
    }

    /// <summary>True when <paramref name="keyNode"/> is a scalar whose text (trimmed when <see cref="TrimKeys"/>) is <paramref name="name"/>, whatever its tag.</summary>
    private bool IsNamed(YamlNode keyNode, string name) =>
        keyNode is YamlScalarNode { Value: { } text } && Comparer.Equals(TrimKeys ? text.Trim() : text, name);

    /// <summary>Checks one key; in file order, reads its value too. False when either had errors.</summary>
    private bool Walk(ParseContext context, YamlNode keyNode, YamlNode valueNode, T target, Dictionary<string, MappingEntry> entries)
    {
        var text = context.Key(keyNode);
        text = TrimKeys ? text?.Trim() : text;
        var scalar = ScalarValues is { } what && text is not null ? context.Scalar(valueNode, what(text))?.Trim() : null;
        if (text is null || (ScalarValues is not null && scalar is null))
        {
            return false;
        }

        if (entries.TryGetValue(text, out var earlier))
        {
            context.Error(keyNode, Duplicate(target, text, (int)earlier.Key.Start.Line));
            return false;
        }

        var known = _byName.GetValueOrDefault(text);
        var read = known is null ? Resolve?.Invoke(text) : known.Read;
        if (known is null && read is null)
        {
            context.Error(keyNode, Unknown(target, text, Names));
            return false;
        }

        var entry = new MappingEntry(text, keyNode, valueNode, scalar);
        entries[text] = entry;
        var readNow = known is null || (InFileOrder && !known.First);
        return !readNow || read is null || read(context, entry, target);
    }
}
