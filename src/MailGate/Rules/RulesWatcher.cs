using MailGate.Core.Rules;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Rules;

/// <summary>
/// Reloads the rules file when it changes: a file-system watcher on its folder reacts at once (also to
/// the symlink swap a Kubernetes ConfigMap update makes), and a poll every
/// <see cref="RulesOptions.ReloadInterval"/> catches whatever the watcher misses. Bursts of changes
/// (an editor writing a file in steps) are settled for a short moment before reading. Nothing stops
/// it but shutdown: without a watcher (the folder cannot be watched) it polls, and a failure in one
/// check is logged and the next check goes on.
/// </summary>
internal sealed class RulesWatcher(RulesProvider rules, IOptions<RulesOptions> options, TimeProvider time, ILogger<RulesWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (rules.Path is null)
        {
            return;
        }

        var changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var interval = options.Value.ReloadInterval;
        using var watcher = Watch(rules.Path, () => changes.Writer.TryWrite(true), interval);
        using var poll = time.CreateTimer(_ => changes.Writer.TryWrite(true), null, interval, interval);
        try
        {
            await foreach (var change in changes.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await Task.Delay(Settle, time, stoppingToken).ConfigureAwait(false);
                changes.Reader.TryRead(out _);
                try
                {
                    rules.Reload();
                }
#pragma warning disable CA1031 // A failed check must not stop the watcher (and with it the host); the next check retries.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    Log.RulesWatcherFailed(logger, e, interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>A watcher on the rules file's folder calling <paramref name="changed"/>, or null (logged) when the folder cannot be watched.</summary>
    private FileSystemWatcher? Watch(string path, Action changed, TimeSpan interval)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(folder)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => changed();
            watcher.Created += (_, _) => changed();
            watcher.Deleted += (_, _) => changed();
            watcher.Renamed += (_, _) => changed();
            watcher.Error += (_, _) => changed();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // E.g. the folder is gone, or the inotify instance limit is reached.
            watcher?.Dispose();
            Log.RulesWatchUnavailable(logger, folder, e.Message, interval);
            return null;
        }
    }
}
