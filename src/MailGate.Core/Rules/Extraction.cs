namespace MailGate.Core.Rules;

/// <summary>
/// A named value pulled out of the message for templates, e.g. <c>account_id: { subject: "AWS ID (?&lt;v&gt;\d{12})" }</c>.
/// The sources are tried in the order written; the first match wins: the group named <c>v</c> if the
/// regex has one, else group 1, else the whole match. Nothing found gives an empty string. Regexes run
/// on the whitespace-normalised text (<see cref="RuleText"/>), as conditions do, the body's line breaks
/// kept (<see cref="RuleInput.ForRegex"/>: <c>Region: (?&lt;v&gt;.+)</c> stops at the end of its line);
/// the value found is normalised.
/// </summary>
public sealed class Extraction
{
    private readonly ExtractSource[] _sources;

    internal Extraction(string name, IReadOnlyList<ExtractSource> sources)
    {
        Name = name;
        _sources = [.. sources];
    }

    public string Name { get; }

    /// <summary>Where the value is looked for, in order.</summary>
    internal IReadOnlyList<ExtractSource> Sources => _sources;

    /// <summary>
    /// The value for one message, read from the whitespace-normalised fields of <paramref name="input"/>;
    /// empty when nothing matched. <paramref name="failure"/> says which regex timed out, if one did (the
    /// later sources are still tried).
    /// </summary>
    internal string Extract(RuleInput input, out string? failure)
    {
        failure = null;
        foreach (var source in _sources)
        {
            if (source.Field.IsMultiValued)
            {
                foreach (var value in input.Multi(source.Field, source.Header))
                {
                    if (TryExtract(source, value, ref failure, out var found))
                    {
                        return found;
                    }
                }
            }
            else if (TryExtract(source, input.ForRegex(source.Field), ref failure, out var found))
            {
                return found;
            }
        }

        return "";
    }

    private bool TryExtract(ExtractSource source, string value, ref string? failure, out string found)
    {
        var regex = source.Regex;
        var match = RegexFactory.Match(regex, value, out var timedOut);
        if (match is null)
        {
            if (timedOut)
            {
                failure ??= $"extract '{Name}': {source.Field.Describe(source.Header)} {RegexFactory.TimedOut(regex)}";
            }

            found = "";
            return false;
        }

        var named = regex.GroupNumberFromName("v");
        var group = named >= 0 ? match.Groups[named] : match.Groups.Count > 1 ? match.Groups[1] : match.Groups[0];
        found = RuleText.Normalize(group.Value);
        return true;
    }
}
