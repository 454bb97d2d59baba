using System.Text.RegularExpressions;
using MailGate.Hosting;

namespace MailGate.Tests.Support;

/// <summary>
/// The configuration keys the docs (README.md, docs/*.md) mention, checked against <see cref="ConfigurationSchema"/> (every
/// key the gateway reads, found by reflection over its options classes).
/// </summary>
public static partial class ConfigurationKeys
{
    /// <summary>The options sections found (for the test's own sanity check).</summary>
    public static IReadOnlyList<string> Sections => ConfigurationSchema.Sections;

    /// <summary>
    /// Whether <paramref name="mention"/> names a key the gateway reads: <c>Section:Key[:…]</c> or
    /// <c>MAILGATE_Section__Key[__…]</c>, compared without case (as configuration does). A mention may
    /// also be the tail of a key, at least two levels deep (<c>Tls:Required</c> in the SMTP section).
    /// </summary>
    public static bool IsKnown(string mention)
    {
        ArgumentNullException.ThrowIfNull(mention);
        var key = mention.StartsWith(MailGateConfiguration.EnvironmentPrefix, StringComparison.Ordinal)
            ? mention[MailGateConfiguration.EnvironmentPrefix.Length..].TrimEnd('_').Replace("__", ":", StringComparison.Ordinal)
            : mention;
        var segments = key.Split(':');
        return segments.Length >= 2 && segments.All(s => s.Length > 0)
            && (ConfigurationSchema.Find(key) is not null
                || ConfigurationSchema.Keys.Any(known => known.Segments.Count > segments.Length && known.Segments.Count >= 3 && segments.Length >= 2
                    && new ConfigurationKey([.. known.Segments.Skip(known.Segments.Count - segments.Length)], known.Shape, known.ValueType, known.Optional).Matches(segments)));
    }

    /// <summary>Every key a text mentions: <c>Section:Key</c> forms and <c>MAILGATE_Section__Key</c> environment variables.</summary>
    public static IReadOnlyList<string> MentionedIn(string text) =>
        [.. KeyMention().Matches(text).Select(m => m.Value)
            .Concat(EnvironmentMention().Matches(text).Select(m => m.Value))
            .Distinct(StringComparer.Ordinal)];

    // Section:Key[:Sub…] with PascalCase or numeric segments, not inside a URL, a path or a longer word.
    [GeneratedRegex(@"(?<![\w./])[A-Z][A-Za-z0-9]*(?::[A-Za-z0-9]+)+(?![\w/])")]
    private static partial Regex KeyMention();

    // MAILGATE_Section__Key[__Sub…], the environment form; MAILGATE_X_Y (no double underscore) are compose variables, not keys.
    [GeneratedRegex(@"\bMAILGATE_[A-Za-z0-9]+(?:__[A-Za-z0-9]+)+_*")]
    private static partial Regex EnvironmentMention();
}
