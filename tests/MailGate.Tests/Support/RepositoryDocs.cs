using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MailGate.Tests.Support;

/// <summary>
/// The repository's Markdown documentation — <c>README.md</c> and <c>docs/*.md</c> — found above the
/// test's folder (the folder holding <c>MailGate.sln</c>), and the few things tests read from it: tables,
/// headings as GitHub anchors them, and relative links.
/// </summary>
public static partial class RepositoryDocs
{
    private static readonly Lazy<string> RootFolder = new(FindRoot);

    /// <summary>The repository's root folder (where <c>MailGate.sln</c> is).</summary>
    public static string Root => RootFolder.Value;

    /// <summary>Every documentation file, as paths relative to <see cref="Root"/> with <c>/</c>: <c>README.md</c>, then <c>docs/*.md</c> in order.</summary>
    public static IReadOnlyList<string> Files =>
        ["README.md", .. Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Select(f => "docs/" + Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    /// <summary>The text of <paramref name="relativePath"/> (relative to <see cref="Root"/>).</summary>
    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    /// <summary>
    /// The tables of <paramref name="markdown"/> whose header row's cells are <paramref name="header"/>
    /// (compared without case), each as its body rows, each row as its cells (trimmed, without the outer pipes).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string[]>> Tables(string markdown, params string[] header)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var lines = WithoutFences(markdown).Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var tables = new List<IReadOnlyList<string[]>>();
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (!lines[i].StartsWith('|') || !Cells(lines[i]).SequenceEqual(header, StringComparer.OrdinalIgnoreCase) || !lines[i + 1].StartsWith("|-", StringComparison.Ordinal))
            {
                continue;
            }

            tables.Add([.. lines.Skip(i + 2).TakeWhile(l => l.StartsWith('|')).Select(Cells)]);
        }

        return tables;
    }

    /// <summary>The code spans (<c>`…`</c>) of <paramref name="markdown"/>'s prose: fenced code blocks left out.</summary>
    public static IReadOnlyList<string> ProseCodeSpans(string markdown) => CodeSpans(WithoutFences(markdown));

    /// <summary>The code spans (<c>`…`</c>) of a table cell.</summary>
    public static IReadOnlyList<string> CodeSpans(string cell) => [.. CodeSpan().Matches(cell).Select(m => m.Groups["code"].Value)];

    /// <summary>The anchors GitHub gives the headings of <paramref name="markdown"/> (<see cref="Anchor"/>; a repeated one gets <c>-1</c>, <c>-2</c>, …).</summary>
    public static IReadOnlySet<string> Anchors(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(WithoutFences(markdown)))
        {
            var anchor = Anchor(heading.Groups["text"].Value);
            var unique = anchor;
            for (var n = 1; !anchors.Add(unique); n++)
            {
                unique = $"{anchor}-{n}";
            }
        }

        return anchors;
    }

    /// <summary>
    /// GitHub's anchor for a heading's text: link syntax and code marks dropped, lower case, every
    /// character but letters, digits, marks, <c>-</c>, <c>_</c> and spaces removed, spaces made <c>-</c>.
    /// </summary>
    public static string Anchor(string heading)
    {
        ArgumentNullException.ThrowIfNull(heading);
        var text = InlineLink().Replace(heading.Trim(), "${text}").ToLowerInvariant();
        var anchor = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == ' ')
            {
                anchor.Append('-');
            }
            else if (char.IsLetterOrDigit(c) || c is '-' or '_' || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                anchor.Append(c);
            }
        }

        return anchor.ToString();
    }

    /// <summary>
    /// The relative link targets of <paramref name="markdown"/> (<c>[text](target)</c> outside code), as
    /// written: <c>docs/rules.md#fields</c>, <c>#guarantees</c>, <c>../README.md</c>. Links with a scheme
    /// (<c>https:</c>, <c>mailto:</c>) are left out.
    /// </summary>
    public static IReadOnlyList<string> RelativeLinks(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var prose = CodeSpan().Replace(WithoutFences(markdown), "");
        return [.. InlineLink().Matches(prose).Select(m => m.Groups["target"].Value).Where(t => !Scheme().IsMatch(t))];
    }

    /// <summary>The text with fenced code blocks blanked (their lines kept, so line counts stay).</summary>
    private static string WithoutFences(string markdown)
    {
        var lines = markdown.Split('\n');
        var inFence = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal);
            if (fence || inFence)
            {
                lines[i] = "";
            }

            inFence ^= fence;
        }

        return string.Join('\n', lines);
    }

    private static string[] Cells(string row) => [.. row.Trim().Trim('|').Split('|').Select(c => c.Trim())];

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "MailGate.sln")))
            {
                return folder.FullName;
            }
        }

        throw new FileNotFoundException("no MailGate.sln above " + TestContext.CurrentContext.TestDirectory);
    }

    [GeneratedRegex(@"`(?<code>[^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^#{1,6}[ \t]+(?<text>.+?)[ \t]*#*[ \t]*\r?$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"\[(?<text>[^\]]*)\]\((?<target>[^)\s]+)\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();
}
