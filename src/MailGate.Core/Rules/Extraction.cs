using System.Text.RegularExpressions;
using MailGate.Parse;

namespace MailGate.Rules;

/// <summary>
/// A named value pulled out of the message for templates, e.g. <c>account_id: { subject: "AWS ID (?&lt;v&gt;\d{12})" }</c>.
/// The sources are tried in the order written; the first match wins: the group named <c>v</c> if the
/// regex has one, else group 1, else the whole match. Nothing found gives an empty string.
/// </summary>
public sealed class Extraction
{
    private readonly ExtractSource[] sources;

    internal Extraction(string name, IReadOnlyList<ExtractSource> sources)
    {
        Name = name;
        this.sources = [.. sources];
    }

    public string Name { get; }

    internal string Extract(MessageFacts facts)
    {
        foreach (var source in sources)
        {
            if (MessageFields.IsMultiValued(source.Field))
            {
                foreach (var value in MessageFields.Multi(facts, source.Field, source.Header))
                {
                    if (TryExtract(source.Regex, value, out var found))
                    {
                        return found;
                    }
                }
            }
            else if (TryExtract(source.Regex, MessageFields.Single(facts, source.Field), out var found))
            {
                return found;
            }
        }

        return "";
    }

    private static bool TryExtract(Regex regex, string value, out string found)
    {
        var match = RegexFactory.Match(regex, value);
        if (match is null)
        {
            found = "";
            return false;
        }

        var named = regex.GroupNumberFromName("v");
        var group = named >= 0 ? match.Groups[named] : match.Groups.Count > 1 ? match.Groups[1] : match.Groups[0];
        found = group.Value.Trim();
        return true;
    }
}
