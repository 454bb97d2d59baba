using Microsoft.Extensions.Configuration;

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

    internal static readonly string[] SerilogLevelNames = ["Default", "Override"];

    private static readonly Lazy<IReadOnlyList<ConfigurationKey>> Known = new(ConfigurationKeyDiscovery.Discover);

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
        return ConfigurationCheck.Check(configuration);
    }

    /// <summary>The existing key closest to <paramref name="key"/> (edit distance, or the same last name), or null when none is close.</summary>
    public static string? Closest(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ConfigurationKeySuggestions.Closest(Known.Value, key);
    }

    /// <summary>Whether a key's segments are under <c>Serilog:</c>.</summary>
    internal static bool IsSerilog(string[] segments) => segments[0].Equals("Serilog", StringComparison.OrdinalIgnoreCase);

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
}
