using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MailGate.Rules;

/// <summary>
/// Reloads the rules file when it changes: a file-system watcher on its folder reacts at once (also to
/// the symlink swap a Kubernetes ConfigMap update makes), and a poll every
/// <see cref="RulesOptions.ReloadInterval"/> catches whatever the watcher misses. Bursts of changes
/// (an editor writing a file in steps) are settled for a short moment before reading.
/// </summary>
internal sealed class RulesWatcher(RulesProvider rules, IOptions<RulesOptions> options, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (rules.Path is null)
        {
            return;
        }

        var changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var folder = Path.GetDirectoryName(Path.GetFullPath(rules.Path))!;
        using var watcher = new FileSystemWatcher(folder)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler changed = (_, _) => changes.Writer.TryWrite(true);
        watcher.Changed += changed;
        watcher.Created += changed;
        watcher.Deleted += changed;
        watcher.Renamed += (_, _) => changes.Writer.TryWrite(true);
        watcher.EnableRaisingEvents = true;

        var interval = options.Value.ReloadInterval;
        using var poll = time.CreateTimer(_ => changes.Writer.TryWrite(true), null, interval, interval);
        try
        {
            await foreach (var change in changes.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await Task.Delay(Settle, time, stoppingToken).ConfigureAwait(false);
                changes.Reader.TryRead(out _);
                rules.Reload();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
