using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace MailGate.Tests.Support;

/// <summary>
/// The real gateway as a child process (<c>dotnet MailGate.dll</c> from the test output folder), for
/// what only a process shows: its console output, its exit code, SIGTERM and SIGKILL. With
/// <c>MAILGATE_TEST_EXECUTABLE</c> set to a published native executable (<c>dotnet publish src/MailGate</c>, Native AOT),
/// that executable runs instead, so the same tests check the build the container ships (<c>.ci/run</c> does this).
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GatewayProcess(System.Diagnostics.Process process) => _process = process;

    /// <summary>Every line the process wrote to stdout or stderr so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The environment variable that names a native executable to run instead of <c>dotnet MailGate.dll</c>.</summary>
    public const string ExecutableVariable = "MAILGATE_TEST_EXECUTABLE";

    public bool HasExited => _process.HasExited;

    public static GatewayProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts the gateway with <paramref name="environment"/> added to this process's environment (an empty value removes the variable).</summary>
    public static GatewayProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var executable = Environment.GetEnvironmentVariable(ExecutableVariable);
        var native = !string.IsNullOrEmpty(executable);
        var info = new ProcessStartInfo(native ? executable! : "dotnet")
        {
            WorkingDirectory = TestContext.CurrentContext.TestDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            if (value.Length == 0)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        if (!native)
        {
            info.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "MailGate.dll"));
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new System.Diagnostics.Process { StartInfo = info, EnableRaisingEvents = true };
        var gateway = new GatewayProcess(process);
        process.OutputDataReceived += (_, e) => gateway.Add(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Add(e.Data);
        process.Exited += (_, _) => gateway.Signal();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return gateway;
    }

    /// <summary>Waits for the first line that satisfies <paramref name="predicate"/>, from the line numbered <paramref name="from"/> (0: every line; <see cref="Lines"/>' count: only lines still to come).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan? timeout = null, int from = 0)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_lines.Skip(from).FirstOrDefault(predicate) is { } line)
                {
                    return line;
                }

                changed = _changed.Task;
            }

            if (_process.HasExited)
            {
                // Output may still be draining after exit; one more look after it has.
                await _process.WaitForExitAsync(cancel.Token);
                lock (_lock)
                {
                    if (_lines.Skip(from).FirstOrDefault(predicate) is { } late)
                    {
                        return late;
                    }
                }

                Assert.Fail($"the gateway exited ({_process.ExitCode}) before the expected line; output:\n{string.Join('\n', Lines)}");
            }

            try
            {
                await changed.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"expected line not seen; output:\n{string.Join('\n', Lines)}");
            }
        }
    }

    /// <summary>Waits until the process logs that SMTP listens, and returns where.</summary>
    public async Task<IPEndPoint> WaitForSmtpAsync()
    {
        var line = await WaitForLineAsync(l => l.Contains("SMTP listening on", StringComparison.Ordinal));
        return IPEndPoint.Parse(EndpointPattern().Match(line).Groups["endpoint"].Value);
    }

    /// <summary>Waits until the process logs that HTTP listens (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>), and returns its base URL.</summary>
    public async Task<Uri> WaitForHttpAsync()
    {
        var line = await WaitForLineAsync(l => l.Contains("HTTP listening on", StringComparison.Ordinal));
        return new Uri(UrlPattern().Match(line).Groups["url"].Value);
    }

    /// <summary>The process id (for a report; <see cref="Kill"/> ends it).</summary>
    public int Id => _process.Id;

    /// <summary>Sends SIGTERM, as a container runtime does on stop.</summary>
    public void Terminate()
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>SIGKILL: the process gets no chance to clean up.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _lines.Add(line);
        }

        Signal();
    }

    private void Signal()
    {
        lock (_lock)
        {
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    [GeneratedRegex(@"SMTP listening on [^0-9]*(?<endpoint>[0-9.]+:[0-9]+)")]
    private static partial Regex EndpointPattern();

    [GeneratedRegex(@"HTTP listening on (?<url>http://[0-9.]+:[0-9]+)")]
    private static partial Regex UrlPattern();
}
