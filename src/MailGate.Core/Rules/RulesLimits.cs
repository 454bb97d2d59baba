namespace MailGate.Core.Rules;

/// <summary>
/// The most a rules file may hold. The loader checks each bound while it reads the YAML, before any
/// condition is built, so that no file — however large, deep or self-referring — can exhaust the
/// stack, the memory or the time of the gateway; a file beyond a bound is refused with an error at
/// the position where the bound was crossed. Every value is far beyond what a hand-written rules file
/// needs (the shipped file nests 6 levels deep and has about 120 nodes).
/// </summary>
public static class RulesLimits
{
    /// <summary>The largest rules file, in bytes of UTF-8 (1 MiB).</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>
    /// The deepest nesting of mappings and lists, counting the file's top level as 1 and counting
    /// what an alias stands for where it is used. A rule's <c>when</c> sits at depth 4; each
    /// <c>not</c> adds 1 and each <c>any</c>/<c>all</c> adds 2.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// The most YAML nodes (values, mappings and lists), counting each use of an alias as a copy of
    /// what it stands for: bounds the work of a small file that multiplies itself through aliases
    /// ("billion laughs").
    /// </summary>
    public const int MaxNodes = 100_000;

    /// <summary>The longest single value (a template, a text to compare, a name), in characters.</summary>
    public const int MaxValueLength = 16 * 1024;

    /// <summary>The longest regular expression, in characters.</summary>
    public const int MaxRegexLength = 4 * 1024;

    /// <summary>
    /// The most different regular expressions in one file (a pattern written or aliased many times counts
    /// once). Each is compiled at load for .NET's non-backtracking engine, which costs about 0.1–1 MB of
    /// memory and up to tens of ms of CPU per pattern, and its automaton grows to 2 MB as it matches: a
    /// valid 760 KB file of 9,000 regex rules took 2.7 GB and 19 s to load.
    /// </summary>
    public const int MaxRegexes = 256;

    /// <summary>The most characters of regular expressions in one file, each different pattern counted once.</summary>
    public const int MaxRegexChars = 128 * 1024;

    /// <summary>The most rules in the <c>rules:</c> list.</summary>
    public const int MaxRules = 10_000;
}
