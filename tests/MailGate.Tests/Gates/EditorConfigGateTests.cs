using System.Text.RegularExpressions;

namespace MailGate.Tests.Gates;

/// <summary>
/// Code-style rules that <c>.editorconfig</c> marks as errors really fail the build (issue #13, shape 7).
/// A command-line build ignores an option's <c>:error</c> suffix and a naming rule's severity: only
/// <c>dotnet_diagnostic.IDExxxx.severity</c> makes <c>EnforceCodeStyleInBuild</c> report the rule, so for
/// years the naming rules were errors in the editor and nothing in <c>dotnet build</c>.
/// </summary>
[TestFixture]
public sealed partial class EditorConfigGateTests
{
    /// <summary>The diagnostic each code-style option is reported by. An option marked error that is not here fails the test.</summary>
    private static readonly Dictionary<string, string> DiagnosticOf = new(StringComparer.Ordinal)
    {
        ["csharp_style_namespace_declarations"] = "IDE0161",
        ["dotnet_style_qualification_for_field"] = "IDE0003",
        ["dotnet_style_qualification_for_property"] = "IDE0003",
        ["dotnet_style_qualification_for_method"] = "IDE0003",
        ["dotnet_style_qualification_for_event"] = "IDE0003",
    };

    private static readonly string[] EditorConfigs = [".editorconfig", "tests/.editorconfig"];

    /// <summary>Every <c>key = value</c> line of every .editorconfig, with its file.</summary>
    private static IEnumerable<(string File, string Key, string Value)> Settings() =>
        from file in EditorConfigs
        from line in File.ReadLines(Path.Combine(RepositoryFolder.Root, file))
        let text = line.Trim()
        where text.Length > 0 && text[0] is not ('#' or ';' or '[') && text.Contains('=', StringComparison.Ordinal)
        let parts = text.Split('=', 2)
        select (file, parts[0].Trim(), parts[1].Trim());

    /// <summary>The diagnostics the build must fail on: one per option marked <c>:error</c>, IDE1006 for naming rules marked error.</summary>
    private static IEnumerable<(string Setting, string Diagnostic)> Required()
    {
        foreach (var (file, key, value) in Settings())
        {
            if (key.StartsWith("dotnet_naming_rule.", StringComparison.Ordinal) && key.EndsWith(".severity", StringComparison.Ordinal) && value == "error")
            {
                yield return ($"{file}: {key}", "IDE1006");
            }
            else if (value.EndsWith(":error", StringComparison.Ordinal))
            {
                Assert.That(DiagnosticOf, Does.ContainKey(key), $"{file}: '{key}' is marked error; add the diagnostic that reports it to {nameof(DiagnosticOf)}");
                yield return ($"{file}: {key}", DiagnosticOf[key]);
            }
        }
    }

    [Test]
    public void EditorConfig_EveryStyleRuleMarkedError_HasAnErrorSeverityTheBuildUses()
    {
        var severities = Settings()
            .Where(s => s.Key.StartsWith("dotnet_diagnostic.", StringComparison.Ordinal) && s.Key.EndsWith(".severity", StringComparison.Ordinal))
            .Select(s => (s.File, Diagnostic: s.Key.Split('.')[1], s.Value))
            .ToList();
        var required = Required().ToList();

        Assert.That(required.Select(r => r.Diagnostic), Does.Contain("IDE1006").And.Contain("IDE0161"), "the naming rules and the file-scoped namespaces are marked error");
        Assert.Multiple(() =>
        {
            foreach (var (setting, diagnostic) in required)
            {
                Assert.That(severities, Has.Some.EqualTo((".editorconfig", diagnostic, "error")), $"{setting} needs 'dotnet_diagnostic.{diagnostic}.severity = error' in .editorconfig to fail the build");
                Assert.That(severities.Where(s => s.Diagnostic == diagnostic).Select(s => s.Value), Is.All.EqualTo("error"), $"{diagnostic} is relaxed somewhere");
            }
        });
    }

    [Test]
    public void Sources_QualifyNoFieldWithThis()
    {
        // IDE0003 never runs in a command-line build (EnforceOnBuild.Never, dotnet/roslyn#53215). Private
        // fields are _camelCase (IDE1006), so a qualified field reads "this", a dot and an underscore.
        var qualified = RepositoryFolder.CSharpFiles("src").Concat(RepositoryFolder.CSharpFiles("tests"))
            .SelectMany(file => File.ReadLines(Path.Combine(RepositoryFolder.Root, file)).Select((line, i) => (file, line, number: i + 1)))
            .Where(l => ThisField().IsMatch(l.line))
            .Select(l => $"{l.file}:{l.number}: {l.line.Trim()}");

        Assert.That(qualified, Is.Empty);
    }

    [GeneratedRegex(@"\bthis\._")]
    private static partial Regex ThisField();
}
