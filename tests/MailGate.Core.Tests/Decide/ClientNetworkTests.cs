
using MailGate.Core.Decide;

namespace MailGate.Core.Tests.Decide;

[TestFixture]
public sealed class ClientNetworkTests
{
    [TestCase("192.0.2.1", "192.0.2.0/24")]
    [TestCase("192.0.2.254", "192.0.2.0/24")]
    [TestCase("::ffff:192.0.2.7", "192.0.2.0/24")]
    [TestCase("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [TestCase(" 2001:db8:1:2:: ", "2001:db8:1:2::/64")]
    [TestCase(null, "unknown")]
    [TestCase("", "unknown")]
    [TestCase("not an address", "unknown")]
    public void Of_IsThe24OrThe64(string? address, string network) =>
        Assert.That(ClientNetwork.Of(address), Is.EqualTo(network));
}
