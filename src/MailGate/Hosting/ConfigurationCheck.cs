using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace MailGate.Hosting;

/// <summary>
/// Checks the configuration as its sources give it (see the remarks on <see cref="ConfigurationSchema"/>):
/// one problem per line, naming the key as it was written — <c>--Smtp:Port</c> (an argument),
/// <c>MAILGATE_Smtp__Port</c> (an environment variable) or <c>Smtp:Port in appsettings.json</c>.
/// </summary>
internal static class ConfigurationCheck
{
    /// <summary>The problems, one line each, without repeats; empty when there are none.</summary>
    public static IReadOnlyList<string> Check(IConfigurationRoot configuration)
    {
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

    private static string? Problem(string path, string value, Source source)
    {
        var segments = path.Split(':');
        if (source.IsEnvironment && segments.Length == 1)
        {
            return null; // MAILGATE_SMTP_PORT and the like: not a setting (no section), e.g. compose's own variables
        }

        var shown = source.Show(path);
        var isSerilog = ConfigurationSchema.IsSerilog(segments);
        if (isSerilog && segments.Length > 1 && ConfigurationSchema.SerilogUnsupported.Contains(segments[1], StringComparer.OrdinalIgnoreCase))
        {
            return $"{shown} is not supported: MailGate writes its log to standard output only, as text or JSON (Logging:Format); under Serilog: it reads MinimumLevel and Properties";
        }

        if (ConfigurationSchema.Find(path) is not { } key)
        {
            return $"{shown} is not {(isSerilog ? "a Serilog setting MailGate knows" : "a MailGate setting")}{Hint(path, segments, source)}";
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
        var max = ConfigurationSchema.MaxDuration;
        if (key.ValueType == typeof(TimeSpan) && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var duration) && duration > max)
        {
            return $"{path} must be at most {max.ToString(@"d\.hh\:mm\:ss\.fff", CultureInfo.InvariantCulture)} (is {value}): longer than .NET's timers and HTTP timeouts allow";
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

        return ConfigurationSchema.Closest(path) is { } closest ? $"; did you mean {source.Name(closest)}?" : " (docs/operations.md, Configuration, lists the settings)";
    }

    private static string Example(ConfigurationKey section, Source source) =>
        ConfigurationSchema.Keys.FirstOrDefault(k => k.Shape is ConfigurationKeyShape.Value && k.Segments.Count > section.Segments.Count && k.Segments.Take(section.Segments.Count).SequenceEqual(section.Segments, StringComparer.Ordinal)) is { } child
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
