using System.Text;
using MailGate.Receive;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Receive;

/// <summary>
/// Sessions that share <see cref="DataBlockPool"/>'s blocks never store each other's bytes: concurrent senders,
/// while other clients vanish in the middle of DATA (their blocks go back to the pool and are lent again at once).
/// </summary>
[TestFixture]
public sealed class SmtpBlockPoolIntegrityTests : GatewayTestBase
{
    private const int Senders = 4;
    private const int Vanishers = 3;
    private const int Rounds = 3;

    [Test]
    public async Task ConcurrentSenders_WhileOthersVanishMidData_EachMessageIsStoredWithExactlyItsOwnBytes()
    {
        var sent = new List<(string Reply, string Message)>[Senders];
        var senders = Enumerable.Range(0, Senders).Select(async i =>
        {
            sent[i] = [];
            var client = await RawSmtpDialog.ConnectAsync(Gateway);
            await using (client)
            {
                for (var round = 0; round < Rounds; round++)
                {
                    var message = Distinct($"s{i}r{round}", 30_000);
                    await client.BeginDataAsync();
                    sent[i].Add((await client.EndDataAsync(message), message));
                }
            }
        });
        var vanishers = Enumerable.Range(0, Vanishers).Select(async i =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                var client = await RawSmtpDialog.ConnectAsync(Gateway);
                await using (client)
                {
                    await client.BeginDataAsync();
                    await client.SendRawAsync(Encoding.ASCII.GetBytes(Distinct($"v{i}r{round}", 30_000)[..20_000]));
                }
            }
        });

        await Task.WhenAll([.. senders, .. vanishers]).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.That(Gateway.Services.GetRequiredService<DataBlockPool>().Created, Is.GreaterThan(0));
        foreach (var (reply, message) in sent.SelectMany(s => s))
        {
            Assert.That(reply, Does.StartWith("250 2.0.0"));
            var stored = Gateway.Spool.Find(Mail.SpoolIdOf(reply))!.Value.Message;
            Assert.That(Encoding.ASCII.GetString(await File.ReadAllBytesAsync(stored.MessagePath)), Is.EqualTo(message), reply);
        }
    }

    /// <summary>A message of about <paramref name="size"/> bytes whose every line names <paramref name="tag"/> and its number.</summary>
    private static string Distinct(string tag, int size)
    {
        var text = new StringBuilder($"Subject: {tag}\r\n\r\n");
        for (var line = 0; text.Length < size; line++)
        {
            text.Append(tag).Append('-').Append(line).Append(' ').Append((char)('a' + (line % 26)), 70).Append("\r\n");
        }

        return text.ToString();
    }
}
