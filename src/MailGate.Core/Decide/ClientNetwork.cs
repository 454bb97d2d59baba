using System.Net;
using System.Net.Sockets;

namespace MailGate.Core.Decide;

/// <summary>
/// The network an SMTP client's address belongs to, as limits and fair queues count it: an attacker
/// easily has many addresses of one network, seldom many networks.
/// </summary>
public static class ClientNetwork
{
    /// <summary>The name for mail whose client address is not known (support cases, old spool entries).</summary>
    public const string Unknown = "unknown";

    /// <summary>
    /// The IPv4 /24 (<c>192.0.2.0/24</c>) or IPv6 /64 (<c>2001:db8:1:2::/64</c>) of <paramref name="address"/>;
    /// an IPv4-mapped IPv6 address counts as IPv4; <see cref="Unknown"/> when absent or not an address.
    /// </summary>
    public static string Of(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || !IPAddress.TryParse(address.Trim(), out var ip))
        {
            return Unknown;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        var bytes = ip.GetAddressBytes();
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return $"{new IPAddress(bytes)}/24";
        }

        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
