using MailGate.Core.Rules;
using System.Text;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

/// <summary>
/// Files the loader must refuse with a positioned error instead of recursing, expanding or reading
/// without end (issue #11 §2: a self-referring alias killed the gateway with a stack overflow, which
/// .NET cannot catch). Every test here crashed or hung the process before the bounds.
/// </summary>
[TestFixture]
public class RulesLimitsTests
{
    // TestRules.Head takes lines 1-6; a rule written after it starts on line 7.
    private static IEnumerable<TestCaseData> RefusedFiles()
    {
        yield return Case(
            "alias to the condition that holds it (the issue's example)",
            TestRules.Head + "  - name: t\n    when: &w { any: [ *w ] }\n    route: oncall\n",
            8, 23, "alias '*w' refers to a node that contains it ('&w' is still open here), which would repeat forever");
        yield return Case(
            "alias to an ancestor two levels up, in block style",
            TestRules.Head + "  - name: t\n    when: &outer\n      all:\n        - not: *outer\n    route: oncall\n",
            10, 16, "alias '*outer' refers to a node that contains it");
        yield return Case(
            "alias to the rule that holds it",
            TestRules.Head + "  - &r\n    name: t\n    when: { any: [ *r ] }\n    route: oncall\n",
            9, 20, "alias '*r' refers to a node that contains it");
        yield return Case(
            "alias to the whole file",
            "&root\nversion: 1\nrules: *root\n",
            3, 8, "alias '*root' refers to a node that contains it");
        yield return Case(
            "anchor redefined around an alias to itself",
            TestRules.Head + "  - name: a\n    when: &c { subject: { contains: x } }\n    route: oncall\n  - name: b\n    when: &c { not: *c }\n    route: oncall\n",
            11, 21, "alias '*c' refers to a node that contains it");
        yield return Case(
            "alias before its anchor (YamlDotNet would resolve it later, allowing loops)",
            TestRules.Head + "  - name: a\n    when: { any: [ *later ] }\n    route: oncall\n  - name: b\n    when: &later { not: { any: [ *a ] } }\n    route: oncall\n",
            8, 20, "alias '*later' refers to no anchor '&later' defined before it");
        yield return Case(
            "alias to no anchor at all",
            TestRules.Head + "  - name: t\n    when: *nothing\n    route: oncall\n",
            8, 11, "alias '*nothing' refers to no anchor '&nothing' defined before it");
        yield return Case(
            "a key that is a list referring to itself (overflowed inside YamlDotNet)",
            "version: 1\n? &k [ *k ]\n: x\nrules: []\n",
            2, 3, "a key must be a single value, not a mapping or a list");
        yield return Case(
            "a key that is a mapping",
            "version: 1\n{ a: b }: x\nrules: []\n",
            2, 1, "a key must be a single value, not a mapping or a list");
        yield return Case(
            "10,000 nested 'not'",
            TestRules.Head + "  - name: t\n    when: " + Nested("{not: ", 10_000, "{subject: {contains: x}}", "}") + "\n    route: oncall\n",
            // 'when' is depth 4 and starts at column 11; each "{not: " adds a level and 6 columns.
            8, 11 + (6 * (RulesLimits.MaxDepth - 3)), "nested more than 64 levels deep; simplify this part of the file");
        yield return Case(
            "100,000 nested lists",
            "version: 1\nrules: " + Nested("[", 100_000, "x", "]") + "\n",
            2, 8 + RulesLimits.MaxDepth - 1, "nested more than 64 levels deep");
        yield return Case(
            "deep nesting in block style",
            TestRules.Head + "  - name: t\n    when:\n" + BlockNots(70) + "    route: oncall\n",
            // The mapping under 'when:' (line 9, column 7) is depth 4; each line below it adds a level and 2 columns.
            9 + RulesLimits.MaxDepth - 3, 7 + (2 * (RulesLimits.MaxDepth - 3)), "nested more than 64 levels deep");
        yield return Case(
            "an alias that nests a deep condition deeper than allowed",
            TestRules.Head
                + "  - name: a\n    when: &deep " + Nested("{not: ", 50, "{subject: {contains: x}}", "}") + "\n    route: oncall\n"
                + "  - name: b\n    when: " + Nested("{not: ", 20, "*deep", "}") + "\n    route: oncall\n",
            11, 11 + (6 * 20), "alias '*deep' nests this part of the file more than 64 levels deep");
        yield return Case(
            "billion laughs: ten aliases of ten aliases of … a condition",
            BillionLaughs(),
            // 20 nodes before c0; c0 … c4 hold 5 + 53 + 533 + 5,333 + 53,333: c5's first alias (line 15) crosses 100,000.
            15, 23, "the file has more than 100,000 values, mappings and lists (each use of an alias counts as a copy of what it refers to)");
        yield return Case(
            "100,001 values without any alias",
            "version: 1\nrules: [" + string.Join(",", Enumerable.Repeat("x", 100_000)) + "]\n",
            // 5 nodes before the first x (column 9): the 99,996th x crosses 100,000.
            2, 9 + (2 * (RulesLimits.MaxNodes - 5)), "the file has more than 100,000 values");
        yield return Case(
            "a value longer than 16 KiB",
            TestRules.Head + "  - name: t\n    when: { body: { contains: '" + new string('x', 20_000) + "' } }\n    route: oncall\n",
            8, 31, "a value of 20,000 characters; at most 16,384 are allowed");
        yield return Case(
            "a regex longer than 4 KiB",
            TestRules.Head + "  - name: t\n    when: { subject: { regex: '" + new string('a', 5_000) + "' } }\n    route: oncall\n",
            8, 31, "rule 't': a regex of 5,000 characters; at most 4,096 are allowed");
        yield return Case(
            "an extract regex longer than 4 KiB",
            TestRules.Head + "  - name: t\n    extract: { id: { subject: '" + new string('a', 5_000) + "' } }\n    route: oncall\n",
            8, 31, "rule 't': a regex of 5,000 characters; at most 4,096 are allowed");
        yield return Case(
            "more than 10,000 rules",
            TestRules.Head + string.Concat(Enumerable.Range(1, RulesLimits.MaxRules + 1).Select(i => $"  - {{ name: r{i}, action: drop }}\n")),
            7 + RulesLimits.MaxRules, 5, "more than 10,000 rules; this is rule 10,001 of 10,001");
        yield return Case(
            "a file larger than 1 MiB",
            // 11 bytes, then lines of exactly 1,024 bytes: byte 1,048,577 is on line 1,025, column 1,014.
            "version: 1\n" + string.Concat(Enumerable.Repeat("#" + new string('x', 1022) + "\n", 1100)),
            1025, 1014, "the rules file is larger than 1,048,576 bytes (it crosses the limit here); split or shorten it");
    }

    private static TestCaseData Case(string name, string yaml, int line, int column, string message) =>
        new TestCaseData(yaml, line, column, message).SetArgDisplayNames(name);

    [TestCaseSource(nameof(RefusedFiles))]
    public void TryParse_FileBeyondALimit_IsRefusedWithOnePositionedError(string yaml, int line, int column, string message)
    {
        var errors = TestRules.Errors(yaml);

        Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors.Take(5)));
        Assert.That(errors[0].ToString(), Does.StartWith($"rules.yaml:{line}:{column}: {message}"));
    }

    [Test]
    public void Load_HugeFileOnDisk_ReadsOnlyUpToTheLimitAndIsRefused()
    {
        var path = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N") + ".yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            using (var file = File.Create(path))
            {
                file.Write("version: 1\n"u8);
                var line = Encoding.UTF8.GetBytes("#" + new string('x', 1022) + "\n");
                for (var i = 0; i < 64 * 1024; i++)
                {
                    file.Write(line); // 64 MiB in all
                }
            }

            Assert.That(RulesLoader.TryRead(path, out var text, out _), Is.True);
            Assert.That(text, Has.Length.EqualTo(RulesLimits.MaxFileBytes + 1));
            var error = Assert.Throws<RulesException>(() => RulesLoader.Load(path, TestRules.Options))!;
            Assert.That(error.Message, Is.EqualTo($"{path}:1025:1014: the rules file is larger than 1,048,576 bytes (it crosses the limit here); split or shorten it"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Each regex costs 0.1–2 MB once compiled for the non-backtracking engine: a valid 760 KB file of
    /// 9,000 regex rules took 2.7 GB and 19 s to load (and a reload of it would do the same).
    /// </summary>
    [TestCase(RulesLimits.MaxRegexes, 10, true, 0)]
    [TestCase(RulesLimits.MaxRegexes + 1, 10, false, RulesLimits.MaxRegexes + 1)]
    [TestCase(9_000, 10, false, RulesLimits.MaxRegexes + 1)]
    [TestCase(32, 4_000, true, 0)]
    [TestCase(33, 4_000, false, 33)]
    public void Load_ManyDifferentRegexes_RefusedOnceAtTheFirstBeyondTheBound(int count, int length, bool loads, int refusedAt)
    {
        var yaml = new StringBuilder(TestRules.Head);
        for (var i = 0; i < count; i++)
        {
            var pattern = (i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "x").PadRight(length, 'a');
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"  - name: r{i}\n    when: {{ body: {{ regex: '{pattern}' }} }}\n    route: oncall\n");
        }

        var ok = RulesLoader.TryParse(yaml.ToString(), "rules.yaml", TestRules.Options, out _, out var errors);

        Assert.That(ok, Is.EqualTo(loads));
        if (!loads)
        {
            Assert.That(errors.Select(e => (e.Line, e.Rule)), Is.EqualTo(new[] { (8 + ((refusedAt - 1) * 3), $"r{refusedAt - 1}") }), "one error, at the first regex beyond the bound");
            Assert.That(errors[0].Message, Does.StartWith($"one regex too many: a file may hold {RulesLimits.MaxRegexes} different regexes of 131,072 characters in all"));
        }
    }

    [Test]
    public void Load_OneRegexWrittenOrAliasedManyTimes_IsCompiledOnce()
    {
        var yaml = new StringBuilder(TestRules.Head);
        yaml.Append("  - name: first\n    when: { body: { regex: &r 'AWS ID: [0-9]{12}' } }\n    route: oncall\n");
        for (var i = 0; i < 2_000; i++)
        {
            var name = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            yaml.Append(i % 2 == 0
                ? "  - name: r" + name + "\n    when: { body: { regex: *r } }\n    route: oncall\n"
                : "  - name: r" + name + "\n    extract: { id: { body: 'AWS ID: [0-9]{12}' } }\n    route: oncall\n");
        }

        var rules = RulesLoader.Parse(yaml.ToString(), "rules.yaml", TestRules.Options);

        var regexes = rules.Rules.Select(r => r.When is FieldCondition f ? f.FieldOperators[0].Regexes[0] : r.Extractions[0].Sources[0].Regex).Distinct().ToArray();
        Assert.That(regexes, Has.Length.EqualTo(1));
    }

    [Test]
    public void TryRead_Directory_SaysItIsADirectory()
    {
        var path = Directory.CreateTempSubdirectory("mailgate-tests-").FullName;
        try
        {
            Assert.That(RulesLoader.TryRead(path, out _, out var error), Is.False);
            Assert.That(error!.ToString(), Is.EqualTo($"{path}:0:0: cannot read the rules file: it is a directory, not a file"));
        }
        finally
        {
            Directory.Delete(path);
        }
    }

    /// <summary>Opening a FIFO for reading waits for a writer: rules check, a start or a reload hung for ever.</summary>
    [TestCase("a FIFO")]
    [TestCase("a link to a FIFO")]
    [TestCase("a link to a link to a FIFO")]
    [TestCase("a link to a device")]
    public void TryRead_NotARegularFile_IsRefusedWithoutOpeningIt(string what)
    {
        var folder = Directory.CreateTempSubdirectory("mailgate-tests-").FullName;
        try
        {
            var fifo = Path.Combine(folder, "pipe");
            MailGate.Tests.Shared.Fifo.Make(fifo);
            var path = Path.Combine(folder, "rules.yaml");
            switch (what)
            {
                case "a FIFO":
                    path = fifo;
                    break;
                case "a link to a FIFO":
                    File.CreateSymbolicLink(path, fifo);
                    break;
                case "a link to a link to a FIFO":
                    File.CreateSymbolicLink(path + ".1", fifo);
                    File.CreateSymbolicLink(path, path + ".1");
                    break;
                default:
                    File.CreateSymbolicLink(path, "/dev/zero");
                    break;
            }

            RuleError? error = null;
            var read = Task.Run(() => RulesLoader.TryRead(path, out _, out error));

            Assert.That(read.Wait(TimeSpan.FromSeconds(30)), Is.True, "TryRead returned (a failure guard, not a timing)");
            Assert.That((read.Result, error!.ToString()), Is.EqualTo((false, $"{path}:0:0: cannot read the rules file: it is not a regular file (a FIFO, socket or device)")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void TryRead_MissingFile_SaysItDoesNotExist()
    {
        var path = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"), "rules.yaml");

        Assert.That(RulesLoader.TryRead(path, out _, out var error), Is.False);
        Assert.That(error!.ToString(), Is.EqualTo($"{path}:0:0: cannot read the rules file: the file does not exist"));
    }

    [Test]
    public void TryParse_LoaderFailsInside_RefusesTheFileAtThePlaceItWasReading()
    {
        var options = new RulesLoadOptions { Environment = _ => throw new InvalidOperationException("lookup exploded") };

        var errors = TestRules.Errors(TestRules.Head + "  - name: t\n    route: oncall\n", options);

        Assert.That(errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "rules.yaml:5:7: the rules loader failed reading this file (InvalidOperationException: lookup exploded); the file is refused",
        }));
    }

    [TestCase("anchor reused by two rules", "  - name: a\n    when: &abuse { subject: { contains: Abuse } }\n    route: oncall\n  - name: b\n    when: { all: [ *abuse, { sender: { domain: amazon.com } } ] }\n    route: oncall\n")]
    [TestCase("anchor redefined, alias to the latest", "  - name: a\n    when: &c { subject: { contains: x } }\n    route: oncall\n  - name: b\n    when: &c { not: { body: { contains: y } } }\n    route: oncall\n  - name: c\n    when: *c\n    route: oncall\n")]
    [TestCase("64 levels exactly", "  - name: t\n    when: {{NESTED}}\n    route: oncall\n")]
    public void TryParse_AliasesAndDepthWithinBounds_Load(string name, string rules)
    {
        // 'when' at depth 4 plus 59 'not' and the field's mapping: 64 levels.
        var yaml = TestRules.Head + rules.Replace("{{NESTED}}", Nested("{not: ", RulesLimits.MaxDepth - 5, "{subject: {contains: x}}", "}"), StringComparison.Ordinal);

        Assert.That(RulesLoader.TryParse(yaml, TestRules.Source, TestRules.Options, out var parsed, out var errors), Is.True, string.Join("\n", errors));
        Assert.That(parsed!.Rules, Is.Not.Empty, name);
    }

    private static string Nested(string open, int count, string inner, string close) =>
        string.Concat(Enumerable.Repeat(open, count)) + inner + string.Concat(Enumerable.Repeat(close, count));

    private static string BlockNots(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(' ', 6 + (2 * i)).Append("not:\n");
        }

        return text.Append(' ', 6 + (2 * count)).Append("subject: { contains: x }\n").ToString();
    }

    /// <summary>Conditions c0 … c9, each an 'any' of ten aliases of the one before: 10^9 copies of c0.</summary>
    private static string BillionLaughs()
    {
        var text = new StringBuilder(TestRules.Head).Append("  - name: laughs\n    when:\n      any:\n        - &c0 { subject: { contains: lol } }\n");
        for (var level = 1; level < 10; level++)
        {
            var aliases = string.Join(", ", Enumerable.Repeat($"*c{level - 1}", 10));
            text.Append($"        - &c{level} {{ any: [{aliases}] }}\n");
        }

        return text.Append("    route: oncall\n").ToString();
    }
}
