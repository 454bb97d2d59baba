using MailGate.Core.Facts;
using System.Text.RegularExpressions;

namespace MailGate.Core.Tests.Facts;

/// <summary>docs/rules.md's <c>## Fields</c> table lists exactly the fields of the registry, each with its kind.</summary>
public sealed partial class FieldsDocsTests
{
    private static readonly string DocPath = Path.Combine(TestContext.CurrentContext.TestDirectory, "Docs", "rules.md");

    [Test]
    public void FieldsTable_EveryRegistryField_HasARowWithItsKind()
    {
        var rows = TableRows();
        var missing = Fields.All
            .Where(f => !rows.TryGetValue(f.Name, out var kind) || kind != FieldKinds.Name(f.Kind))
            .Select(f => $"{f.Name} ({FieldKinds.Name(f.Kind)})")
            .ToList();

        Assert.That(missing, Is.Empty, "fields missing from docs/rules.md's '## Fields' table (or listed with another kind)");
    }

    [Test]
    public void FieldsTable_EveryRow_NamesARegistryField()
    {
        var unknown = TableRows().Keys.Where(name => Fields.Named(name) is null).ToList();

        Assert.That(unknown, Is.Empty, "rows of docs/rules.md's '## Fields' table that name no field of the registry");
    }

    /// <summary>The table's rows in the <c>## Fields</c> section: field name → kind.</summary>
    private static Dictionary<string, string> TableRows()
    {
        var text = File.ReadAllText(DocPath);
        var start = text.IndexOf("\n## Fields\n", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "docs/rules.md has no '## Fields' section");
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? text[start..] : text[start..end];
        return Row().Matches(section).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["kind"].Value.Trim(), StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\| `(?<name>[a-z_]+)` \| (?<kind>[a-z ]+) \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}
