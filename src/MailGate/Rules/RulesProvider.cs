using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Rules;

/// <summary>
/// Holds the rule set in force. Loads the file at start-up (every error stops the start) and, on
/// <see cref="Reload"/>, swaps in a new version atomically — or, when the new text is invalid, keeps
/// the last good rules, logs every error at Error and reports the failure. A message is evaluated
/// against one <see cref="Current"/> snapshot, so it always sees one consistent version.
/// </summary>
public sealed class RulesProvider
{
    private readonly ILogger<RulesProvider> _logger;
    private readonly RulesLoadOptions _loadOptions;
    private readonly Lock _reloading = new();
    private RuleSet _current;
    private string? _failedVersion;

    /// <summary>Loads the rules; throws <see cref="RulesException"/> listing every error with file:line:column.</summary>
    public RulesProvider(IOptions<RulesOptions> options, ILogger<RulesProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        var configured = options.Value.Path;
        // With the default file, a route whose ${VARIABLE} is unset runs dry; a file named explicitly must be complete.
        _loadOptions = new RulesLoadOptions { AllowMissingRoutingKeys = configured is null };
        Path = configured ?? (File.Exists(RulesOptions.DefaultPath) ? RulesOptions.DefaultPath : null);
        _current = Path is null
            ? RulesLoader.Parse(EmbeddedDefault(), "(embedded) rules/rules.yaml", _loadOptions)
            : RulesLoader.Load(Path, _loadOptions);
        Announce(_current);
    }

    /// <summary>Raised after each reload attempt that found a new version: true when it took effect.</summary>
    public event EventHandler<bool>? Reloaded;

    /// <summary>The rules file, or null when the rules built into the program are in force.</summary>
    public string? Path { get; }

    /// <summary>The rule set in force.</summary>
    public RuleSet Current => Volatile.Read(ref _current);

    /// <summary>Whether the file now holds a version that failed to load (the previous rules stay in force).</summary>
    public bool LastReloadFailed => Volatile.Read(ref _failedVersion) is not null;

    /// <summary>Reads the file again and swaps in its rules if they changed and are valid. Safe to call at any time.</summary>
    public RulesReloadResult Reload()
    {
        if (Path is null)
        {
            return RulesReloadResult.Unchanged;
        }

        lock (_reloading)
        {
            string text;
            try
            {
                text = File.ReadAllText(Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Mid-swap or briefly absent (an editor's save, a ConfigMap update): the next change or poll retries.
                Log.RulesUnreadable(_logger, Path, e.Message);
                return RulesReloadResult.Unchanged;
            }

            var version = RulesLoader.VersionOf(text);
            if (version == Current.Version)
            {
                Volatile.Write(ref _failedVersion, null);
                return RulesReloadResult.Unchanged;
            }

            if (version == _failedVersion)
            {
                return RulesReloadResult.Failed;
            }

            if (RulesLoader.TryParse(text, Path, _loadOptions, out var rules, out var errors))
            {
                var previous = Current.Version;
                Volatile.Write(ref _current, rules!);
                Volatile.Write(ref _failedVersion, null);
                Log.RulesReloaded(_logger, Path, previous, rules!.Version, rules.Rules.Count);
                Announce(rules);
                Reloaded?.Invoke(this, true);
                return RulesReloadResult.Reloaded;
            }

            Volatile.Write(ref _failedVersion, version);
            Log.RulesReloadFailed(_logger, Path, version, Current.Version, errors.Count, string.Join(Environment.NewLine, errors));
            Reloaded?.Invoke(this, false);
            return RulesReloadResult.Failed;
        }
    }

    private void Announce(RuleSet rules)
    {
        Log.RulesLoaded(_logger, rules.Source, rules.Version, rules.Rules.Count, rules.Routes.Count);
        foreach (var route in rules.Routes.Values.Where(r => r.PagerDuty.IsDryRun))
        {
            Log.RouteDryRun(_logger, route.Name, route.PagerDuty.MissingVariable ?? "");
        }
    }

    private static string EmbeddedDefault()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("MailGate.rules.yaml")
            ?? throw new InvalidOperationException("the embedded default rules are missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>What a reload did.</summary>
public enum RulesReloadResult
{
    /// <summary>The file holds the version in force (or cannot be read right now).</summary>
    Unchanged,

    /// <summary>A new version is in force.</summary>
    Reloaded,

    /// <summary>The file holds an invalid version; the previous rules stay in force.</summary>
    Failed,
}
