using MailGate.Receive;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Receive;

/// <summary>
/// SMTP connections read into the gateway's <see cref="DataBlockPool"/>: a message's DATA fills its blocks until the
/// 250, and the next message on the connection reuses them instead of new memory.
/// </summary>
[TestFixture]
public sealed class SmtpBlockPoolTests : GatewayTestBase
{
    private const int MessageSize = 60_000;

    [Test]
    public async Task ThreeMessages_OnOneConnection_ReuseTheFirstOnesBlocks()
    {
        var pool = Gateway.Services.GetRequiredService<DataBlockPool>();
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using (client)
        {
            var replies = new List<string>();
            var created = new List<int>();
            for (var i = 0; i < 3; i++)
            {
                await client.BeginDataAsync();
                replies.Add(await client.EndDataAsync(RawSmtpDialog.MessageOfSize(MessageSize)));
                created.Add(pool.Created);
            }

            Assert.That(replies, Has.All.StartWith("250 2.0.0"));
            Assert.That(created[0], Is.GreaterThanOrEqualTo(MessageSize / DataBlockPool.BlockSize), "the whole DATA waited in the pool's blocks");
            Assert.That(created[2], Is.LessThanOrEqualTo(created[0] + 2), "the later messages reused them");
        }
    }
}
