using MailGate.Core.Rules;
using YamlDotNet.RepresentationModel;

namespace MailGate.Core.Tests.Rules;

/// <summary>
/// The one mechanism every mapping of a rules file is read by (issue #13, shape 5): unknown, duplicate
/// and missing keys, the order values are read in, and where each error is reported.
/// </summary>
[TestFixture]
public class MappingSchemaTests
{
    /// <summary>What the readers of the test schemas saw, in order.</summary>
    private sealed class Seen
    {
        public List<string> Reads { get; } = [];
    }

    private static KeyReader<Seen> Record(bool ok = true) => (context, entry, seen) =>
    {
        seen.Reads.Add(entry.Text);
        if (!ok)
        {
            context.Error(entry.Value, $"bad {entry.Text}");
        }

        return ok;
    };

    private static (MappingKeys Keys, Seen Seen, IReadOnlyList<string> Errors) Read(MappingSchema<Seen> schema, string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var context = new ParseContext("t.yaml", new RulesLoadOptions());
        var seen = new Seen();
        var keys = schema.Read(context, (YamlMappingNode)stream.Documents[0].RootNode, seen);
        return (keys, seen, context.Errors.Select(e => $"{e.Line}:{e.Column} {e.Message}").ToList());
    }

    private static MappingSchema<Seen> Table(bool inFileOrder = false) => new(
        new SchemaKey<Seen>("id", Record()) { First = true, Missing = _ => "missing 'id'" },
        new SchemaKey<Seen>("b", Record()),
        new SchemaKey<Seen>("a", Record()) { Missing = _ => "missing 'a'" },
        new SchemaKey<Seen>("later"))
    {
        Unknown = (_, key, names) => $"unknown key '{key}' (expected one of: {names})",
        InFileOrder = inFileOrder,
    };

    [Test]
    public void Read_KnownKeys_ReadsFirstKeyThenTableOrder()
    {
        var (keys, seen, errors) = Read(Table(), "a: 1\nb: 2\nid: 3\nlater: 4\n");

        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.Empty);
            Assert.That(keys.Ok, Is.True);
            Assert.That(seen.Reads, Is.EqualTo(new[] { "id", "b", "a" }));
            Assert.That(keys.TryGet("later", out var later) && later.Value is YamlScalarNode { Value: "4" }, Is.True, "a key without a reader is left to the caller");
        });
    }

    [Test]
    public void Read_InFileOrder_ReadsEachValueAsItsKeyIsWalked()
    {
        var (_, seen, _) = Read(Table(inFileOrder: true), "a: 1\nb: 2\nid: 3\n");

        Assert.That(seen.Reads, Is.EqualTo(new[] { "id", "a", "b" }));
    }

    [Test]
    public void Read_UnknownKey_ReportedAtTheKey_WithTheTableNames()
    {
        var (keys, _, errors) = Read(Table(), "id: 1\na: 2\n  \ncolour: red\n");

        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.EqualTo(new[] { "4:1 unknown key 'colour' (expected one of: id, b, a, later)" }));
            Assert.That(keys.Ok, Is.False);
        });
    }

    [Test]
    public void Read_MissingKeys_ReportedAtTheMapping_FirstKeyBeforeUnknownKeys_OthersAtTheirTurn()
    {
        var (keys, _, errors) = Read(Table(), "b: 1\ncolour: red\n");

        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.EqualTo(new[] { "1:1 missing 'id'", "2:1 unknown key 'colour' (expected one of: id, b, a, later)", "1:1 missing 'a'" }));
            Assert.That(keys.Ok, Is.False);
        });
    }

    [TestCase("id: 1\na: 1\n!!str a: 2\n", "3:1 duplicate key 'a' (first used on line 2)")]
    [TestCase("id: 1\na: 1\n!!str id: 2\n", "3:1 duplicate key 'id' (first used on line 1)")]
    [TestCase("!!str id: 1\na: 1\nid: 2\n", "3:1 duplicate key 'id' (first used on line 1)")]
    public void Read_KeyRepeatedWithATag_ReportedAsDuplicateAtTheSecond(string yaml, string error)
    {
        // YamlDotNet refuses a plain repeated key itself ("Duplicate key"), but not one that differs by a tag.
        var (keys, seen, errors) = Read(Table(), yaml);

        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.EqualTo(new[] { error }));
            Assert.That(keys.Ok, Is.False);
            Assert.That(seen.Reads, Is.EqualTo(new[] { "id", "a" }), "the second value is not read");
        });
    }

    [Test]
    public void Read_FirstKeyWrittenWithATag_ReadLikeEveryOtherTaggedKey()
    {
        // A tag does not change a key's text: "!!str a" is read as "a", so "!!str id" is the key read first, not missing.
        var (keys, seen, errors) = Read(Table(), "a: 1\n!!str id: 2\n");

        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.Empty);
            Assert.That(keys.Ok, Is.True);
            Assert.That(seen.Reads, Is.EqualTo(new[] { "id", "a" }));
        });
    }

    [Test]
    public void Read_MissingIfValid_ReportedOnce_AndOnlyWhenNothingElseFailed()
    {
        var schema = new MappingSchema<Seen>(
            new SchemaKey<Seen>("name", Record()) { MissingIfValid = _ => "needs both" },
            new SchemaKey<Seen>("regex", Record(ok: false)) { MissingIfValid = _ => "needs both" })
        {
            InFileOrder = true,
        };

        Assert.Multiple(() =>
        {
            Assert.That(Read(schema, "x: 1\n").Errors, Is.EqualTo(new[] { "1:1 unknown key 'x' (expected one of: name, regex)" }));
            Assert.That(Read(schema, "{}\n").Errors, Is.EqualTo(new[] { "1:1 needs both" }));
            Assert.That(Read(schema, "regex: x\n").Errors, Is.EqualTo(new[] { "1:8 bad regex" }));
        });
    }

    [Test]
    public void Read_ResolvedKeys_ReadInFileOrder_AndUnresolvedOnesUnknown()
    {
        var schema = new MappingSchema<Seen>
        {
            Resolve = key => key.StartsWith('f') ? Record() : null,
            Unknown = (_, key, _) => $"unknown field '{key}'",
        };

        var (_, seen, errors) = Read(schema, "f2: 1\ng: 2\nf1: 3\n");

        Assert.Multiple(() =>
        {
            Assert.That(seen.Reads, Is.EqualTo(new[] { "f2", "f1" }));
            Assert.That(errors, Is.EqualTo(new[] { "2:1 unknown field 'g'" }));
        });
    }

    [Test]
    public void Read_ScalarValues_CheckedBeforeTheKeyIsKnown_AndGivenTrimmed()
    {
        var values = new List<string?>();
        var schema = new MappingSchema<Seen>(new SchemaKey<Seen>("max", (_, entry, _) =>
        {
            values.Add(entry.Scalar);
            return true;
        }))
        {
            ScalarValues = key => $"'x.{key}'",
            InFileOrder = true,
        };

        var (_, _, errors) = Read(schema, "max: ' 5 '\nbogus: [1]\nother: 2\n");

        Assert.Multiple(() =>
        {
            Assert.That(values, Is.EqualTo(new[] { "5" }));
            Assert.That(errors, Is.EqualTo(new[] { "2:8 'x.bogus' must be a single value, found a list", "3:1 unknown key 'other' (expected one of: max)" }));
        });
    }

    [Test]
    public void Read_TrimmedKeysComparedIgnoringCase_CustomDuplicateText()
    {
        var schema = new MappingSchema<Seen>
        {
            Resolve = _ => Record(),
            TrimKeys = true,
            Comparer = StringComparer.OrdinalIgnoreCase,
            Duplicate = (_, key, line) => $"'{key}' is listed twice (line {line})",
        };

        var (_, seen, errors) = Read(schema, "a@example.com: 1\n\"A@Example.com \": 2\n");

        Assert.Multiple(() =>
        {
            Assert.That(seen.Reads, Is.EqualTo(new[] { "a@example.com" }));
            Assert.That(errors, Is.EqualTo(new[] { "2:1 'A@Example.com' is listed twice (line 1)" }));
        });
    }
}
