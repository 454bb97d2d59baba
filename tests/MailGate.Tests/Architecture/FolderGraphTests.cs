using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using ArchUnitNET.NUnit;

namespace MailGate.Tests.Architecture;

/// <summary>
/// Issue #13 shape 2: the folders of the app project (the namespaces <c>MailGate.&lt;Folder&gt;</c> of
/// the MailGate assembly) form a DAG. A failure lists every cycle with the types whose dependency closes
/// it; docs/architecture.md ("App folder layers") gives the intended order.
/// </summary>
[TestFixture]
public sealed class FolderGraphTests
{
    private static readonly ArchUnitNET.Domain.Architecture App =
        new ArchLoader().LoadAssemblies(typeof(MailGate.Log).Assembly).Build();

    [Test]
    public void AppFolders_FormNoCycle()
    {
        SliceRuleDefinition.Slices().Matching("MailGate.(*)").Should().BeFreeOfCycles().Check(App);
    }
}
