namespace MailGate.Core.Rules;

/// <summary>
/// A rule while its keys are read (<see cref="RuleReader"/>): what the file around it says, and what each
/// key has given so far. <see cref="Build"/> makes the <see cref="Rule"/>.
/// </summary>
/// <param name="names">Names of earlier rules and their lines, for the uniqueness check.</param>
/// <param name="routes">Every route name declared in the file.</param>
/// <param name="hasTrustPolicy">Whether the file has a top-level <c>trust:</c> section.</param>
internal sealed class RuleDraft(IDictionary<string, int> names, IReadOnlySet<string> routes, bool hasTrustPolicy)
{
    public IDictionary<string, int> Names { get; } = names;

    public IReadOnlySet<string> Routes { get; } = routes;

    public bool HasTrustPolicy { get; } = hasTrustPolicy;

    /// <summary>The rule's name; null until read (or when it is missing or broken).</summary>
    public string? Name { get; set; }

    public ICondition? When { get; set; }

    public List<Extraction> Extractions { get; } = [];

    public Template? Summary { get; set; }

    public Template? DedupKey { get; set; }

    public string? Severity { get; set; }

    public bool Continue { get; set; }

    public bool RequiresTrust { get; set; }

    public TimeSpan? ReplyWithin { get; set; }

    /// <summary>The route a match goes to; null for a drop rule or when it is missing.</summary>
    public string? RouteName { get; set; }

    public bool Drop { get; set; }

    /// <summary>The names the rule's templates may use besides the built-in placeholders.</summary>
    public IReadOnlySet<string> ExtractNames => Extractions.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The rule, starting on <paramref name="line"/>; only once its name has been read.</summary>
    public Rule Build(int line) => new(Name ?? throw new InvalidOperationException("the rule has no name"), line)
    {
        When = When,
        RouteName = RouteName,
        Drop = Drop,
        Continue = Continue,
        Severity = Severity,
        Summary = Summary,
        DedupKey = DedupKey,
        Extractions = Extractions,
        RequiresTrust = RequiresTrust,
        ReplyWithin = ReplyWithin,
    };
}
