using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using ArchUnitNET.NUnit;

namespace MailGate.Tests.Gates;

/// <summary>
/// The shape issue #13 set for the code, kept by tests: the pure core's folders depend on each other
/// one way only (Messages ← Parse ← Facts ← Rules ← Deliver ← Storage ← Decide, with Spool, the file
/// backend, and Files at the edges); a core namespace says it is the core (<c>MailGate.Core.*</c>), an
/// app namespace says it is not; the app's flows and endpoints use the storage seam, not the file spool; no
/// source file grows past 300 lines.
/// </summary>
[TestFixture]
public sealed class CoreShapeGateTests
{
    private const int MaxLines = 300;

    private static readonly System.Reflection.Assembly CoreAssembly = typeof(MailGate.Core.Decide.MessageDecider).Assembly;
    private static readonly System.Reflection.Assembly AppAssembly = typeof(MailGate.Log).Assembly;

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Core = new(() => new ArchLoader().LoadAssemblies(CoreAssembly).Build());

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> App = new(() => new ArchLoader().LoadAssemblies(AppAssembly, CoreAssembly).Build());

    /// <summary>The file backend of the storage seam.</summary>
    private const string FileSpool = "MailGate.Core.Spool";

    [Test]
    public void CoreFolders_FormNoCycle()
    {
        SliceRuleDefinition.Slices().Matching("MailGate.Core.(*)").Should().BeFreeOfCycles().Check(Core.Value);
    }

    [Test]
    public void CoreTypes_LiveInMailGateCoreNamespaces()
    {
        var outside = Ours(CoreAssembly).Where(type => (type.Namespace ?? "") != "MailGate.Core" && !(type.Namespace ?? "").StartsWith("MailGate.Core.", StringComparison.Ordinal));

        Assert.That(outside.Select(type => type.FullName), Is.Empty, "a core type's namespace starts with MailGate.Core");
    }

    [Test]
    public void AppTypes_LiveOutsideTheCoreNamespaces()
    {
        var inCore = Ours(AppAssembly).Where(type => (type.Namespace ?? "").StartsWith("MailGate.Core", StringComparison.Ordinal));

        Assert.That(inCore.Select(type => type.FullName), Is.Empty, "MailGate.Core.* is the pure core's; the app's namespaces are MailGate.<feature>");
    }

    /// <summary>
    /// Issue #13 shape 3: the flows and endpoints take the storage seam (<c>MailGate.Core.Storage</c>) and
    /// <c>StoredMessage</c>, never the file spool (<c>MailGate.Core.Spool</c>), so another backend is one more
    /// registration (in <c>MailGate.Spool</c>'s wiring), with no change to them.
    /// </summary>
    [TestCase("MailGate.Process")]
    [TestCase("MailGate.Deliver")]
    [TestCase("MailGate.Receive")]
    [TestCase("MailGate.Poll")]
    [TestCase("MailGate.Http")]
    [TestCase("MailGate.Observability")]
    public void Folder_DependsOnTheStorageSeam_NotOnTheFileSpool(string folder)
    {
        var onFileSpool = App.Value.Types
            .Where(type => InNamespace(type.Namespace?.FullName, folder))
            .SelectMany(type => type.Dependencies.Select(dependency => (From: type.FullName, To: dependency.Target)))
            .Where(edge => InNamespace(edge.To.Namespace?.FullName, FileSpool))
            .Select(edge => $"{edge.From} -> {edge.To.FullName}")
            .Distinct();

        Assert.That(App.Value.Types.Any(type => InNamespace(type.Namespace?.FullName, folder)), Is.True, $"{folder} has types");
        Assert.That(onFileSpool, Is.Empty, $"{folder} takes the storage's roles (IMessageIntake, IProcessingStore, …) and StoredMessage, not {FileSpool}");
    }

    [Test]
    public void SourceFiles_AreAtMost300Lines()
    {
        var files = RepositoryFolder.CSharpFiles("src");
        var tooLong = files
            .Select(file => (File: file, Lines: File.ReadLines(Path.Combine(RepositoryFolder.Root, file)).Count()))
            .Where(file => file.Lines > MaxLines)
            .Select(file => $"{file.File}: {file.Lines} lines");

        Assert.That(files, Is.Not.Empty);
        Assert.That(tooLong, Is.Empty, $"split a file over {MaxLines} lines by responsibility (small types with one job)");
    }

    private static bool InNamespace(string? name, string folder) =>
        name is not null && (name == folder || name.StartsWith(folder + ".", StringComparison.Ordinal));

    /// <summary>The assembly's own types: generated helpers (regex, JSON, logging stubs outside MailGate) are left out.</summary>
    private static IEnumerable<System.Type> Ours(System.Reflection.Assembly assembly) =>
        assembly.GetTypes().Where(type => type.Namespace is not null && type.Namespace.StartsWith("MailGate", StringComparison.Ordinal) || type.Namespace is null && type.FullName?.StartsWith('<') == false);
}
