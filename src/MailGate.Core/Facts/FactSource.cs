
using MailGate.Core.Parse;

namespace MailGate.Core.Facts;

/// <summary>
/// Where a message's facts come from: mail, an AWS Support case, (later) other intakes. Each field
/// declares a reader per source that has it (<see cref="Reads"/>); a field a source does not declare
/// reads empty for it. A source may keep the fields only it has in an object of their own in JSON
/// documents (<see cref="DetailsKey"/>, <see cref="FactsKey"/>).
/// </summary>
public sealed class FactSource
{
    internal FactSource(string name, string doc, string? detailsKey, string? factsKey)
    {
        Name = name;
        Doc = doc;
        DetailsKey = detailsKey;
        FactsKey = factsKey;
    }

    /// <summary>The value of the <c>source</c> field: <c>mail</c>, <c>support-case</c>.</summary>
    public string Name { get; }

    /// <summary>One line on what the source is.</summary>
    public string Doc { get; }

    /// <summary>
    /// The object of PagerDuty's <c>custom_details</c> that holds the fields only this source has
    /// (<c>support_case</c>); null when they are written at the top level (mail).
    /// </summary>
    public string? DetailsKey { get; }

    /// <summary>The same object in <c>mailgate rules test --json</c>'s facts (<c>case</c>); null when at the top level.</summary>
    public string? FactsKey { get; }

    /// <summary>The source's position in <see cref="FactSources.All"/>.</summary>
    internal int Index { get; set; }

    public override string ToString() => Name;
}

/// <summary>The sources MailGate reads facts from. Adding one: a <see cref="FactSource"/> here, a reader method in <see cref="Reads"/>, and a reader on each field it has.</summary>
public static class FactSources
{
    /// <summary>Mail received over SMTP.</summary>
    public static FactSource Mail { get; } = new(MessageSources.Mail, "mail received over SMTP", detailsKey: null, factsKey: null);

    /// <summary>An AWS Support case found by the support-case poller.</summary>
    public static FactSource SupportCase { get; } = new(MessageSources.SupportCase, "an AWS Support case read from the Support API", detailsKey: "support_case", factsKey: "case");

    /// <summary>An AWS Health event for one affected account, polled or pushed.</summary>
    public static FactSource HealthEvent { get; } = new(MessageSources.HealthEvent, "an AWS Health event for one affected account (Health's organizational view, or EventBridge)", detailsKey: "health_event", factsKey: "health");

    /// <summary>An alert MailGate raised about its own coverage (issue #15): a probe missing or not sent, silence.</summary>
    public static FactSource Coverage { get; } = new(MessageSources.Coverage, "an alert MailGate raised about its own coverage (a probe missing or not sent, silence)", detailsKey: "coverage", factsKey: "coverage");

    /// <summary>Every source, in order.</summary>
    public static IReadOnlyList<FactSource> All { get; } = Indexed(Mail, SupportCase, HealthEvent, Coverage);

    /// <summary>The source of <paramref name="facts"/>, by <see cref="MessageFacts.Source"/>: the one place the registry asks "mail or case?".</summary>
    /// <exception cref="ArgumentException">A source no <see cref="FactSource"/> declares.</exception>
    public static FactSource Of(MessageFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var name = facts.Source;
        foreach (var source in All)
        {
            if (source.Name == name)
            {
                return source;
            }
        }

        throw new ArgumentException($"facts from an unknown source '{name}'", nameof(facts));
    }

    private static FactSource[] Indexed(params FactSource[] sources)
    {
        for (var i = 0; i < sources.Length; i++)
        {
            sources[i].Index = i;
        }

        return sources;
    }
}
