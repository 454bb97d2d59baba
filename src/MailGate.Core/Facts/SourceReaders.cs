
using MailGate.Core.Parse;

namespace MailGate.Core.Facts;

/// <summary>A field's readers by source: the source's own reader, else the one for every source, else none (the value is <c>empty</c>).</summary>
internal sealed class SourceReaders<T>
{
    private readonly Func<MessageFacts, T>?[] _bySource;
    private readonly T _empty;

    public SourceReaders(IReadOnlyList<FieldReader<T>> readers, T empty)
    {
        _empty = empty;
        _bySource = new Func<MessageFacts, T>?[FactSources.All.Count];
        foreach (var source in FactSources.All)
        {
            _bySource[source.Index] = readers.FirstOrDefault(r => r.Source == source)?.Read ?? readers.FirstOrDefault(r => r.Source is null)?.Read;
        }

        if (readers.Select(r => r.Source).Distinct().Count() != readers.Count)
        {
            throw new ArgumentException("two readers for one source", nameof(readers));
        }

        Sources = [.. readers.Select(r => r.Source)];
    }

    /// <summary>The sources the readers are for (null: every source).</summary>
    public IReadOnlyList<FactSource?> Sources { get; }

    public T Read(MessageFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return _bySource[FactSources.Of(facts).Index] is { } read ? read(facts) : _empty;
    }
}
