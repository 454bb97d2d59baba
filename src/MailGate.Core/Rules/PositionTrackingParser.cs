using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MailGate.Rules;

/// <summary>
/// Wraps YamlDotNet's parser to remember where the last good event ended, so that the rare parser
/// failure that is not a <see cref="YamlException"/> can still be reported with a position.
/// </summary>
internal sealed class PositionTrackingParser(IParser inner) : IParser
{
    public ParsingEvent? Current => inner.Current;

    /// <summary>Where the last successfully parsed event ended (1:1 before the first).</summary>
    public Mark LastGood { get; private set; } = new(0, 1, 1);

    public bool MoveNext()
    {
        if (inner.Current is { } current)
        {
            LastGood = current.End;
        }

        return inner.MoveNext();
    }
}
