using System.Globalization;

namespace MailGate.Hosting;

/// <summary>What a configuration key holds.</summary>
public enum ConfigurationKeyShape
{
    /// <summary>A group of settings (<c>Smtp</c>, <c>Smtp:Tls</c>): its keys are set, not itself.</summary>
    Section,

    /// <summary>A list (<c>Smtp:AcceptedRecipients</c>): its entries are set by index.</summary>
    List,

    /// <summary>One value (<c>Smtp:Port</c>, <c>Smtp:AcceptedRecipients:0</c>).</summary>
    Value,
}

/// <summary>One configuration key pattern.</summary>
/// <param name="Segments">The key's names; <see cref="ConfigurationSchema.Index"/> stands for a list index.</param>
/// <param name="Shape">What the key holds.</param>
/// <param name="ValueType">The type a value is bound to (<see cref="ConfigurationKeyShape.Value"/> only).</param>
/// <param name="Optional">Whether the value may be empty (a nullable option: empty means unset).</param>
public sealed record ConfigurationKey(IReadOnlyList<string> Segments, ConfigurationKeyShape Shape, Type? ValueType, bool Optional)
{
    /// <summary>The pattern as a key, <c>Smtp:AcceptedRecipients:{index}</c>.</summary>
    public string Pattern => string.Join(':', Segments);

    /// <summary>Whether the key <paramref name="segments"/> is an instance of this pattern (names compared without case, as configuration does).</summary>
    public bool Matches(IReadOnlyList<string> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count != Segments.Count)
        {
            return false;
        }

        for (var i = 0; i < segments.Count; i++)
        {
            var ok = Segments[i] == ConfigurationSchema.Index
                ? int.TryParse(segments[i], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                : string.Equals(Segments[i], segments[i], StringComparison.OrdinalIgnoreCase);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The pattern as a key, each index taken from <paramref name="like"/> where it has a number there, else 0.</summary>
    internal string Render(IReadOnlyList<string> like) =>
        string.Join(':', Segments.Select((segment, i) => segment != ConfigurationSchema.Index ? segment
            : i < like.Count && int.TryParse(like[i], NumberStyles.None, CultureInfo.InvariantCulture, out _) ? like[i] : "0"));
}
