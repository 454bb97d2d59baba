using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace MailGate.Hosting;

/// <summary>
/// Every configuration key MailGate reads, found by reflection over the options classes (each has a
/// <c>public const string Section</c>): their settable properties, nested option objects
/// (<c>Smtp:Tls:CertificatePath</c>) and lists (<c>Smtp:AcceptedRecipients:0</c>), plus
/// <c>Logging:Format</c>. <see cref="Check"/> refuses at start what the configuration binder would
/// silently ignore or a timer would refuse only later.
/// </summary>
/// <remarks>
/// <para>Refused, one line each naming the key as it was written (<c>--Smtp:Port</c>, <c>MAILGATE_Smtp__Port</c>,
/// or <c>Smtp:Port in appsettings.json</c>): a key no option reads (a misspelling: <c>Smtp:MaxMesageSize</c>,
/// <c>Smtp:AcceptedRecipient:0</c>), with the closest key that exists; a value given to a list or a group
/// of settings as a whole (<c>Smtp:AcceptedRecipients=a@b.example</c>, which the binder drops, leaving the
/// default); a duration longer than <see cref="MaxDuration"/>; a URL option that is not an absolute URL.</para>
/// <para>Under <c>Serilog:</c> only what MailGate supports is read: <c>MinimumLevel</c> (<c>Default</c>,
/// <c>Override:&lt;category&gt;</c>; the levels are checked by <see cref="LoggingSetup"/>) and
/// <c>Properties:&lt;name&gt;</c>. Serilog's other sections (<see cref="SerilogUnsupported"/>: sinks,
/// enrichers, filters) are refused: MailGate ships only its own console sink, so <c>WriteTo: File</c> was
/// ignored without a word and <c>WriteTo: Console</c> wrote every line twice, the second copy without
/// the sanitising of exception texts. Not checked: environment variables without a section (<c>MAILGATE_SMTP_PORT</c>, the
/// name compose uses for its published port), which are not settings. The values' ranges are checked by
/// each area's validator.</para>
/// </remarks>
public static class ConfigurationSchema
{
    /// <summary>A list index in a key pattern (<c>Smtp:AcceptedRecipients:{index}</c>).</summary>
    public const string Index = "{index}";

    /// <summary>
    /// The longest duration any setting may have: <see cref="int.MaxValue"/> milliseconds (24.20:31:23.647),
    /// the longest timeout .NET's HTTP client accepts and within what its timers accept. A setting beyond it
    /// stopped the gateway only once a timer was armed with it (e.g. <c>Spool:ScanInterval=10675199.00:00:00</c>).
    /// </summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>The names MailGate reads under <c>Serilog:</c>.</summary>
    public static readonly IReadOnlyList<string> SerilogSections = ["MinimumLevel", "Properties"];

    /// <summary>Serilog's other names, which MailGate refuses (it writes its log to standard output only, with its own sink).</summary>
    public static readonly IReadOnlyList<string> SerilogUnsupported = ["Using", "WriteTo", "AuditTo", "Enrich", "Filter", "Destructure", "LevelSwitches", "FilterSwitches"];

    private static readonly string[] SerilogLevelNames = ["Default", "Override"];

    private static readonly Lazy<IReadOnlyList<ConfigurationKey>> Known = new(() => Discover());

    /// <summary>Every key pattern: sections, lists and values (<see cref="ConfigurationKey"/>).</summary>
    public static IReadOnlyList<ConfigurationKey> Keys => Known.Value;

    /// <summary>The top-level sections MailGate reads (<c>Serilog</c> included).</summary>
    public static IReadOnlyList<string> Sections => [.. Known.Value.Select(k => k.Segments[0]).Append("Serilog").Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// The key pattern <paramref name="key"/> (<c>Section:Key[:…]</c>, any case) is an instance of, or null
    /// when MailGate reads no such key. Keys under <c>Serilog:</c> are Serilog's, found here only as the
    /// names <see cref="SerilogSections"/> lists.
    /// </summary>
    public static ConfigurationKey? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segments = key.Split(':');
        if (segments.Any(s => s.Length == 0))
        {
            return null;
        }

        if (IsSerilog(segments))
        {
            return SerilogKey(segments);
        }

        return Known.Value.FirstOrDefault(known => known.Matches(segments));
    }

    /// <summary>
    /// The problems with the configuration as its sources give it, one line each (empty when there are
    /// none); see the remarks on <see cref="ConfigurationSchema"/>.
    /// </summary>
    public static IReadOnlyList<string> Check(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        foreach (var provider in configuration.Providers)
        {
            var source = Source.Of(provider);
            foreach (var (path, value) in Entries(provider, parent: null))
            {
                if (Problem(path, value, source) is { } problem && !problems.Contains(problem, StringComparer.Ordinal))
                {
                    problems.Add(problem);
                }
            }
        }

        return problems;
    }

    /// <summary>The existing key closest to <paramref name="key"/> (edit distance, or the same last name), or null when none is close.</summary>
    public static string? Closest(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segments = key.Split(':');
        if (IsSerilog(segments))
        {
            return ClosestSerilog(segments);
        }

        var candidates = Known.Value.Where(k => k.Shape is not ConfigurationKeyShape.Section)
            .Select(k => k.Render(segments))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        if (Nearest(candidates, key) is { } nearest)
        {
            return nearest;
        }

        // "Port" for Smtp:Port: the same last name, when only one key has it.
        var name = segments.LastOrDefault(s => !IsIndex(s));
        var sameName = candidates.Where(c => c.Split(':').Last(s => !IsIndex(s)).Equals(name, StringComparison.OrdinalIgnoreCase)).ToArray();
        return sameName.Length == 1 ? sameName[0] : null;
    }

    /// <summary>Serilog's names are checked two levels down (three under MinimumLevel); what follows is kept.</summary>
    private static string? ClosestSerilog(string[] segments)
    {
        if (segments.Length < 2)
        {
            return null;
        }

        var top = Nearest([.. SerilogSections.Concat(SerilogUnsupported).Select(s => "Serilog:" + s)], $"Serilog:{segments[1]}");
        if (top is null || segments.Length == 2 || !top.EndsWith(":MinimumLevel", StringComparison.Ordinal))
        {
            return top is null ? null : string.Join(':', [top, .. segments.Skip(2)]);
        }

        var level = Nearest([.. SerilogLevelNames.Select(s => top + ":" + s)], $"{top}:{segments[2]}");
        return level is null ? null : string.Join(':', [level, .. segments.Skip(3)]);
    }

    private static string? Nearest(string[] candidates, string key)
    {
        var best = candidates.Select(c => (Key: c, Distance: Distance(c.ToLowerInvariant(), key.ToLowerInvariant())))
            .OrderBy(c => c.Distance).ThenBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault();
        return best.Key is not null && best.Distance <= Math.Max(2, key.Length / 4) ? best.Key : null;
    }

    private static bool IsIndex(string segment) => int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string? Problem(string path, string value, Source source)
    {
        var segments = path.Split(':');
        if (source.IsEnvironment && segments.Length == 1)
        {
            return null; // MAILGATE_SMTP_PORT and the like: not a setting (no section), e.g. compose's own variables
        }

        var shown = source.Show(path);
        if (IsSerilog(segments) && segments.Length > 1 && SerilogUnsupported.Contains(segments[1], StringComparer.OrdinalIgnoreCase))
        {
            return $"{shown} is not supported: MailGate writes its log to standard output only, as text or JSON (Logging:Format); under Serilog: it reads MinimumLevel and Properties";
        }

        if (Find(path) is not { } key)
        {
            return $"{shown} is not {(IsSerilog(segments) ? "a Serilog setting MailGate knows" : "a MailGate setting")}{Hint(path, segments, source)}";
        }

        return key.Shape switch
        {
            ConfigurationKeyShape.Section => $"{shown} is a group of settings, not a value: set its keys one by one{Example(key, source)}",
            ConfigurationKeyShape.List => $"{shown} is a list: set its entries one by one, {source.Name(path + ":0")}, {source.Name(path + ":1")}, … (a value for the list as a whole is ignored)",
            _ => ValueProblem(key, path, value),
        };
    }

    private static string? ValueProblem(ConfigurationKey key, string path, string value)
    {
        if (key.ValueType == typeof(TimeSpan) && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var duration) && duration > MaxDuration)
        {
            return $"{path} must be at most {MaxDuration.ToString(@"d\.hh\:mm\:ss\.fff", CultureInfo.InvariantCulture)} (is {value}): longer than .NET's timers and HTTP timeouts allow";
        }

        if (key.ValueType == typeof(Uri) && !(key.Optional && value.Length == 0)
            && !(Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            return $"{path} must be an absolute http(s) URL (is '{value}')";
        }

        return null;
    }

    private static string Hint(string path, string[] segments, Source source)
    {
        if (segments[0].Equals("Logging", StringComparison.OrdinalIgnoreCase))
        {
            return ": under Logging: only Logging:Format is read; log levels are Serilog:MinimumLevel:Default and Serilog:MinimumLevel:Override:<category>";
        }

        return Closest(path) is { } closest ? $"; did you mean {source.Name(closest)}?" : " (README.md, Configuration, lists the settings)";
    }

    private static string Example(ConfigurationKey section, Source source) =>
        Known.Value.FirstOrDefault(k => k.Shape is ConfigurationKeyShape.Value && k.Segments.Count > section.Segments.Count && k.Segments.Take(section.Segments.Count).SequenceEqual(section.Segments, StringComparer.Ordinal)) is { } child
            ? $", e.g. {source.Name(child.Render([]))}"
            : "";

    private static IEnumerable<(string Path, string Value)> Entries(IConfigurationProvider provider, string? parent)
    {
        foreach (var child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var path = parent is null ? child : ConfigurationPath.Combine(parent, child);
            if (provider.TryGet(path, out var value) && value is not null)
            {
                yield return (path, value);
            }

            foreach (var entry in Entries(provider, path))
            {
                yield return entry;
            }
        }
    }

    private static bool IsSerilog(string[] segments) => segments[0].Equals("Serilog", StringComparison.OrdinalIgnoreCase);

    private static ConfigurationKey? SerilogKey(string[] segments)
    {
        if (segments.Length == 1)
        {
            return new ConfigurationKey(["Serilog"], ConfigurationKeyShape.Section, null, Optional: false);
        }

        if (!SerilogSections.Contains(segments[1], StringComparer.OrdinalIgnoreCase)
            || (segments.Length > 2 && segments[1].Equals("MinimumLevel", StringComparison.OrdinalIgnoreCase) && !SerilogLevelNames.Contains(segments[2], StringComparer.OrdinalIgnoreCase)))
        {
            return null;
        }

        return new ConfigurationKey(segments, ConfigurationKeyShape.Value, typeof(string), Optional: true); // Serilog reads the rest
    }

    private static List<ConfigurationKey> Discover()
    {
        var keys = new List<ConfigurationKey>();
        foreach (var type in typeof(ConfigurationSchema).Assembly.GetTypes())
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.GetRawConstantValue() is string section)
            {
                Walk(type, [section], keys, depth: 0);
            }
        }

        keys.Add(new ConfigurationKey(["Logging"], ConfigurationKeyShape.Section, null, Optional: false));
        keys.Add(new ConfigurationKey(["Logging", "Format"], ConfigurationKeyShape.Value, typeof(string), Optional: false)); // LoggingSetup
        return keys;
    }

    private static void Walk(Type type, string[] prefix, List<ConfigurationKey> keys, int depth)
    {
        keys.Add(new ConfigurationKey(prefix, ConfigurationKeyShape.Section, null, Optional: false));
        if (depth > 5)
        {
            return;
        }

        var nullability = new NullabilityInfoContext();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var propertyType = property.PropertyType;
            var bindable = property.SetMethod is { IsPublic: true } || IsMutableCollection(propertyType) || IsOptionsObject(propertyType);
            if (!bindable || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            string[] key = [.. prefix, property.Name];
            if (ElementType(propertyType) is { } element)
            {
                keys.Add(new ConfigurationKey(key, ConfigurationKeyShape.List, null, Optional: true));
                if (IsOptionsObject(element))
                {
                    Walk(element, [.. key, Index], keys, depth + 1);
                }
                else
                {
                    keys.Add(new ConfigurationKey([.. key, Index], ConfigurationKeyShape.Value, element, Optional: false));
                }
            }
            else if (IsOptionsObject(propertyType))
            {
                Walk(propertyType, key, keys, depth + 1);
            }
            else
            {
                var optional = Nullable.GetUnderlyingType(propertyType) is not null || nullability.Create(property).WriteState is NullabilityState.Nullable;
                keys.Add(new ConfigurationKey(key, ConfigurationKeyShape.Value, Nullable.GetUnderlyingType(propertyType) ?? propertyType, optional));
            }
        }
    }

    private static bool IsOptionsObject(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(Uri) && !typeof(IEnumerable).IsAssignableFrom(type)
        && type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p => p.SetMethod is { IsPublic: true });

    private static bool IsMutableCollection(Type type) =>
        type != typeof(string) && type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollection<>));

    /// <summary>The element type of a list or array the binder fills by index; null for anything else.</summary>
    private static Type? ElementType(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

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

    /// <summary>How a source spells a key (<see cref="Name"/>: an argument, an environment variable, a key in a JSON file) and where it is (<see cref="Show"/>).</summary>
    private sealed record Source(Func<string, string> Name, string Where, bool IsEnvironment)
    {
        public static Source Of(IConfigurationProvider provider) => provider switch
        {
            CommandLineConfigurationProvider => new(key => "--" + key, "", false),
            EnvironmentVariablesConfigurationProvider => new(key => MailGateConfiguration.EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal), "", true),
            JsonConfigurationProvider json => new(key => key, $" in {Path.GetFileName(json.Source.Path)}", false),
            _ => new(key => key, "", false),
        };

        /// <summary>The key as written, and where.</summary>
        public string Show(string key) => Name(key) + Where;
    }
}

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
