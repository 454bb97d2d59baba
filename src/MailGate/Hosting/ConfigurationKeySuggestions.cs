using System.Globalization;

namespace MailGate.Hosting;

/// <summary>
/// "Did you mean …?": the existing key closest to a misspelt one, by edit distance (Levenshtein, at most
/// a quarter of the key's length, and at least 2) or, failing that, by the same last name when only one
/// key of the fewest levels has it (<c>Port</c> → <c>Smtp:Port</c>, not <c>Coverage:Relay:Port</c>). Under <c>Serilog:</c> only the names MailGate knows are
/// suggested, two levels down (three under <c>MinimumLevel</c>).
/// </summary>
internal static class ConfigurationKeySuggestions
{
    /// <summary>The existing key closest to <paramref name="key"/>, or null when none is close.</summary>
    public static string? Closest(IReadOnlyList<ConfigurationKey> known, string key)
    {
        var segments = key.Split(':');
        if (ConfigurationSchema.IsSerilog(segments))
        {
            return ClosestSerilog(segments);
        }

        var candidates = known.Where(k => k.Shape is not ConfigurationKeyShape.Section)
            .Select(k => k.Render(segments))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        if (Nearest(candidates, key) is { } nearest)
        {
            return nearest;
        }

        // "Port" for Smtp:Port: the same last name, when only one key has it at the shallowest depth
        // (Coverage:Relay:Port is deeper).
        var name = segments.LastOrDefault(s => !IsIndex(s));
        var sameName = candidates.Where(c => c.Split(':').Last(s => !IsIndex(s)).Equals(name, StringComparison.OrdinalIgnoreCase)).ToArray();
        var shallowest = sameName.Length == 0 ? [] : sameName.Where(c => c.Split(':').Length == sameName.Min(k => k.Split(':').Length)).ToArray();
        return shallowest.Length == 1 ? shallowest[0] : null;
    }

    /// <summary>Serilog's names are checked two levels down (three under MinimumLevel); what follows is kept.</summary>
    private static string? ClosestSerilog(string[] segments)
    {
        if (segments.Length < 2)
        {
            return null;
        }

        var top = Nearest([.. ConfigurationSchema.SerilogSections.Concat(ConfigurationSchema.SerilogUnsupported).Select(s => "Serilog:" + s)], $"Serilog:{segments[1]}");
        if (top is null || segments.Length == 2 || !top.EndsWith(":MinimumLevel", StringComparison.Ordinal))
        {
            return top is null ? null : string.Join(':', [top, .. segments.Skip(2)]);
        }

        var level = Nearest([.. ConfigurationSchema.SerilogLevelNames.Select(s => top + ":" + s)], $"{top}:{segments[2]}");
        return level is null ? null : string.Join(':', [level, .. segments.Skip(3)]);
    }

    private static string? Nearest(string[] candidates, string key)
    {
        var best = candidates.Select(c => (Key: c, Distance: Distance(c.ToLowerInvariant(), key.ToLowerInvariant())))
            .OrderBy(c => c.Distance).ThenBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault();
        return best.Key is not null && best.Distance <= Math.Max(2, key.Length / 4) ? best.Key : null;
    }

    private static bool IsIndex(string segment) => int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
