using MailGate.Tests.Support;

namespace MailGate.Tests.Docs;

/// <summary>
/// The docs keep their shape (issue #13, shape 8): the README stays a short entry point that links to
/// <c>docs/</c> by reader, and every relative link in the README and <c>docs/*.md</c> leads to a file that
/// exists and, when it names one, to a heading that file has.
/// </summary>
[TestFixture]
public sealed class DocsStructureTests
{
    /// <summary>The README's budget (issue #13: about 200 lines); the details live in docs/.</summary>
    private const int ReadmeMaxLines = 200;

    [Test]
    public void Readme_IsShort()
    {
        var lines = RepositoryDocs.Read("README.md").TrimEnd('\n').Split('\n').Length;

        Assert.That(lines, Is.LessThanOrEqualTo(ReadmeMaxLines), "README.md is the entry point: move details to docs/");
    }

    [Test]
    public void Readme_LinksToTheDocOfEachReader()
    {
        var links = RepositoryDocs.RelativeLinks(RepositoryDocs.Read("README.md"));

        Assert.That(links, Is.SupersetOf(new[] { "docs/operations.md", "docs/rules.md", "docs/architecture.md" }));
    }

    /// <summary>Each reader's doc has the sections issue #13 asks of it (and the README's links point at).</summary>
    [TestCase("README.md", "quick-start")]
    [TestCase("README.md", "a-sample-decision")]
    [TestCase("README.md", "documentation-by-reader")]
    [TestCase("docs/operations.md", "deployment")]
    [TestCase("docs/operations.md", "configuration")]
    [TestCase("docs/operations.md", "logs")]
    [TestCase("docs/operations.md", "health")]
    [TestCase("docs/operations.md", "metrics")]
    [TestCase("docs/operations.md", "the-spool-by-hand")]
    [TestCase("docs/operations.md", "guarantees")]
    [TestCase("docs/rules.md", "fields")]
    [TestCase("docs/rules.md", "operators")]
    [TestCase("docs/rules.md", "templates")]
    [TestCase("docs/rules.md", "trust-who-can-trigger-a-page")]
    [TestCase("docs/rules.md", "accounts")]
    [TestCase("docs/rules.md", "support-cases")]
    [TestCase("docs/rules.md", "checking-and-testing-rules")]
    [TestCase("docs/architecture.md", "the-messages-walk")]
    [TestCase("docs/architecture.md", "invariants")]
    [TestCase("docs/architecture.md", "where-to-change-what")]
    public void Doc_HasSection(string file, string anchor) =>
        Assert.That(RepositoryDocs.Anchors(RepositoryDocs.Read(file)), Does.Contain(anchor), $"{file} has a section '{anchor}'");

    [Test]
    public void Docs_EveryRelativeLink_LeadsToAFileAndHeadingThatExist()
    {
        var links = RepositoryDocs.Files.SelectMany(file => RepositoryDocs.RelativeLinks(RepositoryDocs.Read(file)).Select(link => (File: file, Link: link))).ToArray();

        Assert.That(links, Has.Length.GreaterThan(50), "the links were found at all");
        Assert.That(links.Where(l => Problem(l.File, l.Link) is not null).Select(l => $"{l.File}: ({l.Link}) {Problem(l.File, l.Link)}"), Is.Empty);
    }

    /// <summary>A source file a doc names in code (<c>`Process/DecisionStage.cs`</c>, <c>`Template.cs`</c>) exists: a rename or a removal updates the docs.</summary>
    [Test]
    public void Docs_EverySourceFileNamed_Exists()
    {
        var sources = new[] { "src", "tests", "bench" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepositoryDocs.Root, folder), "*.cs", SearchOption.AllDirectories))
            .Select(path => "/" + Path.GetRelativePath(RepositoryDocs.Root, path).Replace('\\', '/'))
            .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
            .ToArray();
        var named = RepositoryDocs.Files
            .SelectMany(file => RepositoryDocs.ProseCodeSpans(RepositoryDocs.Read(file)).Where(IsSourceFileName).Select(name => (File: file, Name: name)))
            .ToArray();

        Assert.That(named, Has.Length.GreaterThan(50), "the names were found at all");
        Assert.That(named.Where(n => !sources.Any(path => path.EndsWith("/" + AsPath(n.Name), StringComparison.Ordinal))).Select(n => $"{n.File}: `{n.Name}` is no file under src/, tests/ or bench/"), Is.Empty);
    }

    /// <summary>The docs write <c>Core/…</c> for <c>src/MailGate.Core/…</c>.</summary>
    private static string AsPath(string name) => name.StartsWith("Core/", StringComparison.Ordinal) ? "MailGate." + name : name;

    private static bool IsSourceFileName(string code) =>
        code.EndsWith(".cs", StringComparison.Ordinal) && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_');

    [TestCase("Guarantees", "guarantees")]
    [TestCase("Trust: who can trigger a page", "trust-who-can-trigger-a-page")]
    [TestCase("Support cases (AWS Support API)", "support-cases-aws-support-api")]
    [TestCase("The message's walk", "the-messages-walk")]
    [TestCase("Receiving the Google Group's mail", "receiving-the-google-groups-mail")]
    [TestCase("2. Store: the spool", "2-store-the-spool")]
    [TestCase("The offline twin: `rules test`", "the-offline-twin-rules-test")]
    [TestCase("SMTP: limits, replies and TLS", "smtp-limits-replies-and-tls")]
    [TestCase("What is advertised, and every command", "what-is-advertised-and-every-command")]
    [TestCase("Start, stop and readiness tell the truth", "start-stop-and-readiness-tell-the-truth")]
    [TestCase("A [link](x.md) in a heading", "a-link-in-a-heading")]
    [TestCase("snake_case and dashes - kept", "snake_case-and-dashes---kept")]
    public void Anchor_IsGitHubs(string heading, string anchor) => Assert.That(RepositoryDocs.Anchor(heading), Is.EqualTo(anchor));

    [Test]
    public void Anchors_RepeatedHeading_GetsANumber() =>
        Assert.That(RepositoryDocs.Anchors("# A\n## Run\ntext\n## Run\n```\n# not a heading\n```\n"), Is.EquivalentTo(new[] { "a", "run", "run-1" }));

    [Test]
    public void RelativeLinks_LeaveOutUrlsAndCode() =>
        Assert.That(
            RepositoryDocs.RelativeLinks("[a](docs/a.md#x) [b](https://example.com/) [c](#y) `[d](e.md)` [m](mailto:x@example.com)\n```\n[f](g.md)\n```\n"),
            Is.EqualTo(new[] { "docs/a.md#x", "#y" }));

    /// <summary>Why <paramref name="link"/> in <paramref name="file"/> leads nowhere; null when it leads somewhere.</summary>
    private static string? Problem(string file, string link)
    {
        var hash = link.IndexOf('#', StringComparison.Ordinal);
        var path = hash < 0 ? link : link[..hash];
        var anchor = hash < 0 ? null : link[(hash + 1)..];
        var folder = Path.GetDirectoryName(Path.Combine(RepositoryDocs.Root, file))!;
        var target = path.Length == 0 ? Path.Combine(RepositoryDocs.Root, file) : Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(path)));
        if (!target.StartsWith(RepositoryDocs.Root, StringComparison.Ordinal))
        {
            return "leads out of the repository";
        }

        if (!File.Exists(target) && !Directory.Exists(target))
        {
            return "no such file";
        }

        if (anchor is null)
        {
            return null;
        }

        if (!target.EndsWith(".md", StringComparison.Ordinal))
        {
            return "an anchor into a file that is not Markdown";
        }

        return RepositoryDocs.Anchors(File.ReadAllText(target)).Contains(anchor) ? null : $"no heading '{anchor}' there";
    }
}
