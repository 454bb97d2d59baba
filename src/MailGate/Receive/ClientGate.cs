using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace MailGate.Receive;

/// <summary>What <see cref="ClientGate.TryAdmit"/> decided for a new connection.</summary>
internal enum Admission
{
    /// <summary>The connection may proceed; it holds a slot until its lease is disposed.</summary>
    Admitted,

    /// <summary>The client is outside <see cref="SmtpOptions.AllowedClients"/>: <c>554 5.7.1</c>.</summary>
    NotAllowed,

    /// <summary><see cref="SmtpOptions.MaxConnections"/> connections are open: <c>421 4.7.0</c>.</summary>
    TooManyConnections,

    /// <summary>
    /// This client (its IPv4 address or IPv6 /64, <see cref="ClientGate.ClientOf"/>) already has
    /// <see cref="SmtpOptions.MaxConnectionsPerClient"/> open: <c>421 4.7.0</c>.
    /// </summary>
    TooManyFromClient,
}

/// <summary>
/// Decides whether a new SMTP connection may proceed: the client allow-list, then the global and the
/// per-client connection limits. SmtpServer has no connection limit of its own. Thread-safe.
/// </summary>
internal sealed class ClientGate
{
    private readonly IPNetwork[] _allowed;
    private readonly int _maxConnections;
    private readonly int _maxPerClient;
    private readonly Dictionary<IPAddress, int> _perClient = [];
    private readonly Lock _lock = new();
    private int _open;

    public ClientGate(IEnumerable<string> allowedClients, int maxConnections, int maxPerClient)
    {
        ArgumentNullException.ThrowIfNull(allowedClients);
        _allowed = allowedClients
            .Select(entry => TryParseNetwork(entry, out var network) ? network : throw new ArgumentException($"Not a network: '{entry}'", nameof(allowedClients)))
            .ToArray();
        _maxConnections = maxConnections;
        _maxPerClient = maxPerClient;
    }

    /// <summary>Builds the gate from the listener settings.</summary>
    public static ClientGate From(SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ClientGate(options.AllowedClients, options.MaxConnections, options.MaxConnectionsPerClient);
    }

    /// <summary>Connections holding a slot now.</summary>
    public int Open
    {
        get
        {
            lock (_lock)
            {
                return _open;
            }
        }
    }

    /// <summary>
    /// Parses <c>192.0.2.0/24</c>, <c>2001:db8::/32</c> or a bare address (one host). The base address must
    /// have no bits set past the prefix (<c>192.0.2.1/24</c> is refused: it is probably a typo).
    /// </summary>
    public static bool TryParseNetwork(string? entry, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }

        var text = entry.Trim();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            // .NET masks stray host bits quietly; refuse them instead.
            return IPNetwork.TryParse(text, out network)
                && IPAddress.TryParse(text[..slash], out var given)
                && given.Equals(network.BaseAddress);
        }

        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    /// <summary>
    /// Whom a connection from <paramref name="address"/> counts for under the per-client limit: an IPv4 address
    /// itself, an IPv6 address's /64. A host gets a whole /64 (RFC 6177) and can connect from any address in it,
    /// so counting each IPv6 address alone would let one host take every connection slot.
    /// </summary>
    public static IPAddress ClientOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        bytes.AsSpan(8).Clear();
        return new IPAddress(bytes);
    }

    /// <summary>
    /// Decides for a connection from <paramref name="client"/>; when admitted, <paramref name="lease"/> holds
    /// its slot until disposed (disposing twice releases once).
    /// </summary>
    public Admission TryAdmit(IPAddress client, [NotNullWhen(true)] out IDisposable? lease)
    {
        ArgumentNullException.ThrowIfNull(client);
        lease = null;
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        if (_allowed.Length > 0 && !_allowed.Any(network => network.Contains(address)))
        {
            return Admission.NotAllowed;
        }

        var key = ClientOf(address);
        lock (_lock)
        {
            if (_open >= _maxConnections)
            {
                return Admission.TooManyConnections;
            }

            var fromClient = _perClient.GetValueOrDefault(key);
            if (fromClient >= _maxPerClient)
            {
                return Admission.TooManyFromClient;
            }

            _open++;
            _perClient[key] = fromClient + 1;
        }

        lease = new Lease(this, key);
        return Admission.Admitted;
    }

    private void Release(IPAddress address)
    {
        lock (_lock)
        {
            _open--;
            var remaining = _perClient[address] - 1;
            if (remaining == 0)
            {
                _perClient.Remove(address);
            }
            else
            {
                _perClient[address] = remaining;
            }
        }
    }

    private sealed class Lease(ClientGate gate, IPAddress address) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release(address);
            }
        }
    }
}
