using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MailGate.Core.Rules;

/// <summary>
/// Wraps YamlDotNet's parser and checks each event against <see cref="RulesLimits"/> before the
/// representation model sees it, because that model and the readers behind it recurse: an alias
/// referring to a node that contains it (<c>when: &amp;w { any: [ *w ] }</c>) or a key that does would
/// recurse forever, and a stack overflow cannot be caught in .NET. Refuses, with the event's position,
/// aliases to a node that is still open (a loop) or not yet defined (YAML requires the anchor first;
/// YamlDotNet would resolve it later, which allows loops too), keys that are not single values,
/// nesting deeper than <see cref="RulesLimits.MaxDepth"/>, more than <see cref="RulesLimits.MaxNodes"/>
/// nodes counting every alias as a copy of its node, and values longer than
/// <see cref="RulesLimits.MaxValueLength"/>. Also remembers where the last good event ended, so that a
/// parser failure that is not a <see cref="YamlException"/> can still be reported with a position.
/// </summary>
internal sealed class BoundedParser(IParser inner) : IParser
{
    private readonly Dictionary<string, Anchor> _anchors = new(StringComparer.Ordinal);
    private readonly Stack<Collection> _open = new();
    private long _nodes;

    public ParsingEvent? Current => inner.Current;

    /// <summary>Where the last successfully parsed event ended (1:1 before the first).</summary>
    public Mark LastGood { get; private set; } = new(0, 1, 1);

    public bool MoveNext()
    {
        if (inner.Current is { } current)
        {
            LastGood = current.End;
        }

        if (!inner.MoveNext())
        {
            return false;
        }

        Check(inner.Current!);
        return true;
    }

    private void Check(ParsingEvent e)
    {
        switch (e)
        {
            case DocumentStart:
                // Anchors are local to a document.
                _anchors.Clear();
                _open.Clear();
                break;
            case Scalar scalar:
                Key(scalar, isScalar: true);
                if (scalar.Value.Length > RulesLimits.MaxValueLength)
                {
                    throw Refuse(scalar, string.Create(CultureInfo.InvariantCulture, $"a value of {scalar.Value.Length:N0} characters; at most {RulesLimits.MaxValueLength:N0} are allowed"));
                }

                Count(scalar, 1);
                Define(scalar, new Anchor(isScalar: true) { Size = 1 });
                break;
            case AnchorAlias alias:
                Alias(alias);
                break;
            case NodeEvent start when start is MappingStart or SequenceStart:
                Key(start, isScalar: false);
                Count(start, 1);
                var depth = _open.Count + 1;
                if (depth > RulesLimits.MaxDepth)
                {
                    throw Refuse(start, string.Create(CultureInfo.InvariantCulture, $"nested more than {RulesLimits.MaxDepth} levels deep; simplify this part of the file"));
                }

                var anchor = new Anchor(isScalar: false) { IsOpen = true };
                Define(start, anchor);
                _open.Push(new Collection(start is MappingStart, depth, _nodes - 1, start.Anchor.IsEmpty ? null : anchor));
                break;
            case MappingEnd or SequenceEnd when _open.Count > 0:
                var done = _open.Pop();
                if (done.Anchor is { } closed)
                {
                    closed.IsOpen = false;
                    closed.Size = _nodes - done.NodesBefore;
                    closed.Height = done.Deepest - done.Depth + 1;
                }

                if (_open.TryPeek(out var parent))
                {
                    parent.Deepest = Math.Max(parent.Deepest, done.Deepest);
                }

                break;
        }
    }

    private void Alias(AnchorAlias alias)
    {
        var name = alias.Value.Value;
        if (!_anchors.TryGetValue(name, out var anchor))
        {
            throw Refuse(alias, $"alias '*{name}' refers to no anchor '&{name}' defined before it");
        }

        if (anchor.IsOpen)
        {
            throw Refuse(alias, $"alias '*{name}' refers to a node that contains it ('&{name}' is still open here), which would repeat forever");
        }

        Key(alias, anchor.IsScalar);
        Count(alias, anchor.Size);
        var depth = _open.Count + anchor.Height;
        if (depth > RulesLimits.MaxDepth)
        {
            throw Refuse(alias, string.Create(CultureInfo.InvariantCulture, $"alias '*{name}' nests this part of the file more than {RulesLimits.MaxDepth} levels deep; simplify it"));
        }

        if (_open.TryPeek(out var parent))
        {
            parent.Deepest = Math.Max(parent.Deepest, depth);
        }
    }

    /// <summary>Tracks key and value positions in the enclosing mapping; refuses keys that are collections.</summary>
    private void Key(ParsingEvent e, bool isScalar)
    {
        if (!_open.TryPeek(out var mapping) || !mapping.IsMapping)
        {
            return;
        }

        if (mapping.ExpectsKey && !isScalar)
        {
            throw Refuse(e, "a key must be a single value, not a mapping or a list");
        }

        mapping.ExpectsKey = !mapping.ExpectsKey;
    }

    private void Count(ParsingEvent e, long count)
    {
        _nodes += count;
        if (_nodes > RulesLimits.MaxNodes)
        {
            throw Refuse(e, string.Create(CultureInfo.InvariantCulture,
                $"the file has more than {RulesLimits.MaxNodes:N0} values, mappings and lists (each use of an alias counts as a copy of what it refers to); split or simplify it"));
        }
    }

    private void Define(NodeEvent e, Anchor anchor)
    {
        if (!e.Anchor.IsEmpty)
        {
            // A later anchor of the same name replaces the earlier one, as in YamlDotNet.
            _anchors[e.Anchor.Value] = anchor;
        }
    }

    private static RulesLimitException Refuse(ParsingEvent e, string message) => new(e.Start, message);

    private sealed class Anchor(bool isScalar)
    {
        public bool IsScalar { get; } = isScalar;

        public bool IsOpen { get; set; }

        /// <summary>Nodes the anchored node stands for, itself included.</summary>
        public long Size { get; set; }

        /// <summary>Levels of nesting it adds where it is used: 0 for a value, 1 for a flat mapping or list.</summary>
        public int Height { get; set; }
    }

    private sealed class Collection(bool isMapping, int depth, long nodesBefore, Anchor? anchor)
    {
        public bool IsMapping { get; } = isMapping;

        public int Depth { get; } = depth;

        public long NodesBefore { get; } = nodesBefore;

        public Anchor? Anchor { get; } = anchor;

        /// <summary>The deepest level reached inside it so far.</summary>
        public int Deepest { get; set; } = depth;

        public bool ExpectsKey { get; set; } = isMapping;
    }
}

/// <summary>A rules file crossed one of <see cref="RulesLimits"/> at <see cref="Start"/>.</summary>
internal sealed class RulesLimitException(Mark start, string message) : Exception(message)
{
    public Mark Start { get; } = start;
}
