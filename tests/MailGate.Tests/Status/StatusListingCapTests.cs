using System.Diagnostics;
using System.Text.Json;
using MailGate.Core.Storage;
using MailGate.Status;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Status;

/// <summary>Issue #17: a big done area does not make the status surface read every state (it reads the newest <see cref="DecisionRecords.Window"/> of each area).</summary>
[TestFixture]
public sealed class StatusListingCapTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task TwoThousandDoneMessages_TheListReadsTheNewestWindowOnly_NewestFirst()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        var newest = await Mail.SendAsync(gateway, Mail.Simple("Your AWS Abuse Report [12345678] [AWS ID 123456789012]"));
        Assert.That(await gateway.WaitFinishedAsync(newest), Is.EqualTo(SpoolArea.Done));

        // 2,000 older copies of the finished message, straight into done/ (the gateway never scans it).
        var done = Path.Combine(gateway.SpoolPath, "done");
        var at = SpoolIds.ReceivedAt(newest);
        for (var i = 1; i <= 2000; i++)
        {
            var copy = Directory.CreateDirectory(Path.Combine(done, SpoolIds.New(at.AddSeconds(-i))));
            foreach (var file in Directory.GetFiles(Path.Combine(done, newest)))
            {
                File.Copy(file, Path.Combine(copy.FullName, Path.GetFileName(file)));
            }
        }

        using var http = new HttpClient { BaseAddress = gateway.HttpUrl };
        var clock = Stopwatch.StartNew();
        var page = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/decisions", UriKind.Relative))).RootElement;
        var api = clock.Elapsed;
        clock.Restart();
        var html = await http.GetStringAsync(new Uri("/status", UriKind.Relative));
        var status = clock.Elapsed;
        clock.Restart();
        var all = gateway.Services.GetRequiredService<IMessageStorage>().List(SpoolArea.Done).Messages.Count;
        var everything = clock.Elapsed;
        TestContext.Out.WriteLine($"2,001 done: GET /api/v1/decisions {api.TotalMilliseconds:0} ms, GET /status {status.TotalMilliseconds:0} ms; reading every done state (the old way) {everything.TotalMilliseconds:0} ms");

        Assert.That((page.GetProperty("total").GetInt32(), page.GetProperty("items")[0].GetProperty("id").GetString(), all),
            Is.EqualTo((DecisionRecords.Window, newest, 2001)));
        Assert.That(html, Does.Contain(newest).And.Contain($"{DecisionRecords.Window} decision(s)"));
    }
}
