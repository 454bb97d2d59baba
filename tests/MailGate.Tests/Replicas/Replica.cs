using System.Net;
using MailGate.Tests.Support;

namespace MailGate.Tests.Replicas;

/// <summary>
/// One replica of a <see cref="ReplicaSet"/>: the real gateway as a child process, on its own SMTP and HTTP port (both
/// port 0: the endpoints are read from its "listening on" log lines). <see cref="ReplicaSet.RestartAsync"/> replaces the
/// process (a new PostgreSQL lease owner) and the endpoints; read them anew after a restart.
/// </summary>
public sealed class Replica
{
    private GatewayProcess _process;
    private IPEndPoint _smtp;
    private Uri _http;

    internal Replica(string name, GatewayProcess process, IPEndPoint smtp, Uri http)
    {
        Name = name;
        _process = process;
        _smtp = smtp;
        _http = http;
    }

    /// <summary>The name the test gave it ("A", "B").</summary>
    public string Name { get; }

    /// <summary>The current process.</summary>
    public GatewayProcess Process => Volatile.Read(ref _process);

    /// <summary>Where the current process answers SMTP (127.0.0.1).</summary>
    public IPEndPoint Smtp => Volatile.Read(ref _smtp);

    /// <summary>The current process's HTTP base URL (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>).</summary>
    public Uri Http => Volatile.Read(ref _http);

    /// <summary>How many times it was started (1 + restarts).</summary>
    public int Starts { get; private set; } = 1;

    /// <summary>Whether the current process is still running.</summary>
    public bool IsRunning => !Process.HasExited;

    internal void Replace(GatewayProcess process, IPEndPoint smtp, Uri http)
    {
        Volatile.Write(ref _process, process);
        Volatile.Write(ref _smtp, smtp);
        Volatile.Write(ref _http, http);
        Starts++;
    }

    /// <inheritdoc/>
    public override string ToString() => $"replica {Name} (pid {Process.Id}, SMTP {Smtp}, {Http})";
}
