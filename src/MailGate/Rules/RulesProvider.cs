using MailGate.Core.Rules;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Rules;

/// <summary>
/// Holds the rule set in force. Loads the file at start-up (every error stops the start) and, on
/// <see cref="Reload"/>, swaps in a new version atomically — or keeps the last good rules and reports
/// a failed reload when the new text is invalid, when the file cannot be read (missing, a directory,
/// no permission) for longer than <see cref="UnreadableGrace"/>, or when reloading fails in any other
/// way. A failure is logged once per change at Error and shown by <see cref="LastReloadFailed"/> and
/// <see cref="Problem"/> until the file holds valid rules again, which is logged too. A message is
/// evaluated against one <see cref="Current"/> snapshot, so it always sees one consistent version.
/// </summary>
public sealed class RulesProvider
{
    /// <summary>
    /// How long the file may stay unreadable before that is a failed reload: it must still be
    /// unreadable at a check at least this long after the first one that found it so. An editor's
    /// save or a Kubernetes ConfigMap update leaves the file missing for a moment only.
    /// </summary>
    public static readonly TimeSpan UnreadableGrace = TimeSpan.FromSeconds(1);

    private readonly ILogger<RulesProvider> _logger;
    private readonly TimeProvider _time;
    private readonly RulesLoadOptions _loadOptions;
    private readonly Lock _reloading = new();
    private RuleSet _current;
    private Failure? _failure;
    private DateTimeOffset? _unreadableSince;

    /// <summary>Loads the rules, on the system clock; throws <see cref="RulesException"/> listing every error with file:line:column.</summary>
    public RulesProvider(IOptions<RulesOptions> options, ILogger<RulesProvider> logger)
        : this(options, logger, TimeProvider.System)
    {
    }

    /// <summary>Loads the rules; throws <see cref="RulesException"/> listing every error with file:line:column.</summary>
    /// <param name="options">Where the rules file is.</param>
    /// <param name="logger">Where loads, reloads and their failures are logged.</param>
    /// <param name="time">Measures how long the file has been unreadable (<see cref="UnreadableGrace"/>).</param>
    public RulesProvider(IOptions<RulesOptions> options, ILogger<RulesProvider> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        _time = time;
        var configured = options.Value.Path;
        // With the default file, a route whose ${VARIABLE} is unset runs dry; a file named explicitly must be complete.
        _loadOptions = new RulesLoadOptions { AllowMissingRoutingKeys = configured is null };
        Path = configured ?? (File.Exists(RulesOptions.DefaultPath) ? RulesOptions.DefaultPath : null);
        _current = Path is null
            ? RulesLoader.Parse(EmbeddedDefault(), "(embedded) rules/rules.yaml", _loadOptions)
            : RulesLoader.Load(Path, _loadOptions);
        Announce(_current);
    }

    /// <summary>
    /// Raised when a reload changes what is in force or how the file stands: true when the file's
    /// rules are in force again (a new valid version, or the file readable and valid after a failure),
    /// false when a reload failed (raised once per failure, not at every check).
    /// </summary>
    public event EventHandler<bool>? Reloaded;

    /// <summary>The rules file, or null when the rules built into the program are in force.</summary>
    public string? Path { get; }

    /// <summary>The rule set in force.</summary>
    public RuleSet Current => Volatile.Read(ref _current);

    /// <summary>Whether the latest reload failed (invalid, unreadable, or an error while reloading); the previous rules stay in force.</summary>
    public bool LastReloadFailed => Volatile.Read(ref _failure) is not null;

    /// <summary>What is wrong with the rules file, for <c>/readyz</c>; null when the last reload did not fail.</summary>
    public string? Problem => Volatile.Read(ref _failure)?.Problem;

    /// <summary>Reads the file again and swaps in its rules if they changed and are valid. Safe to call at any time; never throws.</summary>
    public RulesReloadResult Reload()
    {
        if (Path is null)
        {
            return RulesReloadResult.Unchanged;
        }

        bool? raise;
        RulesReloadResult result;
        lock (_reloading)
        {
            try
            {
                (result, raise) = ReloadLocked(Path);
            }
#pragma warning disable CA1031 // Whatever goes wrong while reloading, the last good rules stay and the failure is reported.
            catch (Exception e)
#pragma warning restore CA1031
            {
                (result, raise) = Fail("error:" + e.GetType().FullName + ":" + e.Message, $"reloading failed unexpectedly ({e.GetType().Name}: {e.Message})");
                if (raise is not null)
                {
                    Log.RulesReloadCrashed(_logger, e, Path, Current.Version);
                }
            }
        }

        if (raise is { } succeeded)
        {
            Reloaded?.Invoke(this, succeeded);
        }

        return result;
    }

    private (RulesReloadResult, bool?) ReloadLocked(string path)
    {
        if (!RulesLoader.TryRead(path, out var text, out var readError))
        {
            return Unreadable(path, readError);
        }

        _unreadableSince = null;
        var version = RulesLoader.VersionOf(text);
        if (version == Current.Version)
        {
            return (RulesReloadResult.Unchanged, Recover(path) ? true : null);
        }

        if (_failure?.Key == version)
        {
            return (RulesReloadResult.Failed, null);
        }

        if (RulesLoader.TryParse(text, path, _loadOptions, out var rules, out var errors))
        {
            var previous = Current.Version;
            Volatile.Write(ref _current, rules);
            Volatile.Write(ref _failure, null);
            Log.RulesReloaded(_logger, path, previous, rules.Version, rules.Rules.Count);
            Announce(rules);
            return (RulesReloadResult.Reloaded, true);
        }

        var problem = $"{path} holds version {version}, which is invalid ({errors.Count} error(s); the first: {errors[0]}); version {Current.Version} stays in force";
        var (result, raise) = Fail(version, problem);
        if (raise is not null)
        {
            Log.RulesReloadFailed(_logger, path, version, Current.Version, errors.Count, string.Join(Environment.NewLine, errors));
        }

        return (result, raise);
    }

    /// <summary>The file cannot be read: a failure once it has stayed so for <see cref="UnreadableGrace"/>.</summary>
    private (RulesReloadResult, bool?) Unreadable(string path, RuleError error)
    {
        var now = _time.GetUtcNow();
        if (_unreadableSince is not { } since)
        {
            _unreadableSince = now;
            Log.RulesUnreadable(_logger, path, error.Message);
            return (_failure is null ? RulesReloadResult.Unchanged : RulesReloadResult.Failed, null);
        }

        if (now - since < UnreadableGrace)
        {
            return (_failure is null ? RulesReloadResult.Unchanged : RulesReloadResult.Failed, null);
        }

        var problem = string.Create(CultureInfo.InvariantCulture, $"{error.Message} (since {since:u}); version {Current.Version} stays in force");
        var (result, raise) = Fail("unreadable:" + error.Message, problem);
        if (raise is not null)
        {
            Log.RulesUnreadableFailed(_logger, path, error.Message, since, Current.Version);
        }

        return (result, raise);
    }

    /// <summary>Records a failure; raises (false) only when it differs from the one already recorded.</summary>
    private (RulesReloadResult, bool?) Fail(string key, string problem)
    {
        if (_failure?.Key == key)
        {
            return (RulesReloadResult.Failed, null);
        }

        Volatile.Write(ref _failure, new Failure(key, problem));
        return (RulesReloadResult.Failed, false);
    }

    /// <summary>Clears a failure now that the file holds the rules in force again; true when there was one.</summary>
    private bool Recover(string path)
    {
        if (_failure is null)
        {
            return false;
        }

        Volatile.Write(ref _failure, null);
        Log.RulesRecovered(_logger, path, Current.Version);
        return true;
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

    /// <summary>A failed reload: <see cref="Key"/> tells one failure from the next (a version, or why the file cannot be read).</summary>
    private sealed record Failure(string Key, string Problem);
}

/// <summary>What a reload did.</summary>
public enum RulesReloadResult
{
    /// <summary>The file holds the version in force (or has been unreadable for less than <see cref="RulesProvider.UnreadableGrace"/>).</summary>
    Unchanged,

    /// <summary>A new version is in force.</summary>
    Reloaded,

    /// <summary>The reload failed (invalid, unreadable, or an error); the previous rules stay in force.</summary>
    Failed,
}
