namespace MailGate.Tests.Gates;

/// <summary>The repository's files, found from the test binaries upwards (the folder holding <c>MailGate.sln</c>).</summary>
internal static class RepositoryFolder
{
    public static string Root { get; } = Find();

    /// <summary>Every C# source under <paramref name="folder"/> (relative to the root), build outputs left out; paths relative, with '/'.</summary>
    public static IEnumerable<string> CSharpFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static string Find()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "MailGate.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("no MailGate.sln above " + TestContext.CurrentContext.TestDirectory);
    }
}
