using MailGate.Core.Coverage;
using MailGate.Core.Parse;

namespace MailGate.Core.Facts;

/// <summary>How one source gives a field's value: its <see cref="Source"/> (null: every source) and the function reading it from the facts.</summary>
/// <typeparam name="T">The value: <see cref="string"/>, a list of strings, or a <see cref="DateTimeOffset"/>.</typeparam>
public sealed class FieldReader<T>
{
    internal FieldReader(FactSource? source, Func<MessageFacts, T> read)
    {
        Source = source;
        Read = read;
    }

    /// <summary>The source this reader is for; null for every source that has no reader of its own.</summary>
    public FactSource? Source { get; }

    internal Func<MessageFacts, T> Read { get; }
}

/// <summary>The readers a field declaration lists, one per source that has the field (<c>Every(f =&gt; f.Subject)</c>, <c>SupportCase(c =&gt; c.CaseId)</c>).</summary>
public static class Reads
{
    /// <summary>Read the same way whatever the source: the source's reader already put the value into <see cref="MessageFacts"/>.</summary>
    public static FieldReader<T> Every<T>(Func<MessageFacts, T> read) => new(null, read);

    /// <summary>Read for mail only; other sources read the field as empty.</summary>
    public static FieldReader<T> Mail<T>(Func<MessageFacts, T> read) => new(FactSources.Mail, read);

    /// <summary>Read for an AWS Support case, from its <see cref="SupportCaseFacts"/>; other sources read the field as empty unless they declare a reader.</summary>
    public static FieldReader<T> SupportCase<T>(Func<SupportCaseFacts, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return new(FactSources.SupportCase, facts => read(facts.Case ?? throw new ArgumentException("support-case facts without a case", nameof(facts))));
    }

    /// <summary>Read for an AWS Health event, from its <see cref="Parse.HealthEvent"/>; other sources read the field as empty unless they declare a reader.</summary>
    public static FieldReader<T> HealthEvent<T>(Func<HealthEvent, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return new(FactSources.HealthEvent, facts => read(facts.Health ?? throw new ArgumentException("health-event facts without an event", nameof(facts))));
    }

    /// <summary>Read for a coverage alert, from its <see cref="CoverageAlert"/>; other sources read the field as empty unless they declare a reader.</summary>
    public static FieldReader<T> Alert<T>(Func<CoverageAlert, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return new(FactSources.Coverage, facts => read(facts.Coverage ?? throw new ArgumentException("coverage facts without an alert", nameof(facts))));
    }
}
