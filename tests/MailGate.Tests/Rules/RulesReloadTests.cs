using MailGate.Core.Rules;
using MailGate.Core.Spool;
using System.Text.Json;
using MailGate.Rules;
using MailGate.Spool;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Rules;

/// <summary>Editing the rules file while mail flows: a good edit takes effect, a bad one is refused.</summary>
[TestFixture]
public sealed class RulesReloadTests : GatewayTestBase
{
    protected override string[] Settings => ["--Rules:ReloadInterval=00:00:00.200"];

    private Task<bool> EditRulesAsync(string text) => ChangeRulesAsync(() => File.WriteAllText(Gateway.RulesPath, text));

    /// <summary>Makes <paramref name="change"/> to the rules file and waits for the gateway's verdict on it.</summary>
    private async Task<bool> ChangeRulesAsync(Action change)
    {
        var rules = Gateway.Services.GetRequiredService<RulesProvider>();
        var reloaded = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<bool> handler = (_, succeeded) => reloaded.TrySetResult(succeeded);
        rules.Reloaded += handler;
        try
        {
            change();
            return await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            rules.Reloaded -= handler;
        }
    }

    private async Task<(JsonElement Ready, string Metrics)> ObserveAsync()
    {
        using var http = new HttpClient { BaseAddress = Gateway.HttpUrl };
        var ready = JsonDocument.Parse(await http.GetStringAsync(new Uri("/readyz", UriKind.Relative))).RootElement.Clone();
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return (ready, metrics);
    }

    /// <summary>Sends the abuse-report fixture and returns the summary it was paged with.</summary>
    private async Task<string?> PageAbuseReportAsync()
    {
        var id = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await Gateway.WaitFinishedAsync(id);
        return PagerDuty.Requests[^1].Payload.GetProperty("summary").GetString();
    }

    [Test]
    public async Task GoodEdit_TakesEffectForTheNextMessage_AndIsRecorded()
    {
        var before = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await Gateway.WaitFinishedAsync(before);
        var oldVersion = Gateway.Services.GetRequiredService<RulesProvider>().Current.Version;

        var edited = GatewayHarness.DefaultRules.Replace("summary: \"AWS abuse report for {account_id}: {subject}\"", "summary: \"EDITED {account_id}\"", StringComparison.Ordinal);
        Assert.That(await EditRulesAsync(edited), Is.True);
        var another = Mail.Fixture("abuse-report-via-google-group.eml");
        another.MessageId = "another-report@example.com"; // another email: the same one again would be a duplicate (delivery ledger)
        var after = await Mail.SendAsync(Gateway, another);
        await Gateway.WaitFinishedAsync(after);

        var events = PagerDuty.Requests;
        var newVersion = Gateway.Services.GetRequiredService<RulesProvider>().Current.Version;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(newVersion, Is.Not.EqualTo(oldVersion));
            Assert.That(events[0].Payload.GetProperty("summary").GetString(), Does.StartWith("AWS abuse report"));
            Assert.That(events[1].Payload.GetProperty("summary").GetString(), Is.EqualTo("EDITED 123456789012"));
            Assert.That(events[0].Details.GetProperty("rules_version").GetString(), Is.EqualTo(oldVersion));
            Assert.That(events[1].Details.GetProperty("rules_version").GetString(), Is.EqualTo(newVersion));
            Assert.That(SpoolStore.ReadState(Gateway.Spool.Find(after)!.Value.Message).RulesVersion, Is.EqualTo(newVersion));
        }
    }

    [Test]
    public async Task BadEdit_IsRefused_LastGoodRulesStayInForce_AndReadinessShowsIt()
    {
        var provider = Gateway.Services.GetRequiredService<RulesProvider>();
        var goodVersion = provider.Current.Version;

        var broken = GatewayHarness.DefaultRules.Replace("ends_with:", "endswith:", StringComparison.Ordinal);
        Assert.That(await EditRulesAsync(broken), Is.False);
        var id = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await Gateway.WaitFinishedAsync(id);

        using var http = new HttpClient { BaseAddress = Gateway.HttpUrl };
        var ready = await http.GetStringAsync(new Uri("/readyz", UriKind.Relative));
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(provider.Current.Version, Is.EqualTo(goodVersion));
            Assert.That(provider.LastReloadFailed, Is.True);
            Assert.That(PagerDuty.Accepted, Has.Count.EqualTo(1), "the good rules still page");
            Assert.That(ready, Does.Contain("\"rules_reload_failed\":true"));
            Assert.That(metrics, Does.Match("mailgate_rules_reloads_total\\{[^}]*result=\"failure\"[^}]*\\} 1"));
            Assert.That(metrics, Does.Match("mailgate_rules_info\\{[^}]*reload_failed=\"true\"[^}]*\\} 1"));
        }

        Assert.That(await EditRulesAsync(GatewayHarness.DefaultRules + "\n# fixed\n"), Is.True);
        Assert.That(provider.LastReloadFailed, Is.False);
    }

    [Test]
    public async Task EditWithAConditionAliasReferringToItself_IsRefused_GatewayKeepsPagingWithTheLastGoodRules()
    {
        // Issue #11 §2: this 3-line edit killed the process within half a second, and every restart.
        var provider = Gateway.Services.GetRequiredService<RulesProvider>();
        var goodVersion = provider.Current.Version;
        var looping = GatewayHarness.DefaultRules.Replace(
            "      subject: { contains: \"Abuse Report\" }\n",
            "      subject: { contains: \"Abuse Report\" }\n      any: &w [ { any: *w } ]\n",
            StringComparison.Ordinal);
        Assert.That(looping, Is.Not.EqualTo(GatewayHarness.DefaultRules));

        Assert.That(await EditRulesAsync(looping), Is.False);
        var summary = await PageAbuseReportAsync();
        var (ready, metrics) = await ObserveAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(provider.Current.Version, Is.EqualTo(goodVersion));
            Assert.That(summary, Is.EqualTo("AWS abuse report for 123456789012: Your AWS Abuse Report [12345678] [AWS ID 123456789012]"));
            Assert.That(ready.GetProperty("status").GetString(), Is.EqualTo("ready"));
            Assert.That(ready.GetProperty("rules_reload_failed").GetBoolean(), Is.True);
            Assert.That(ready.GetProperty("rules_problem").GetString(), Does.Contain($"{Gateway.RulesPath}:12:24: alias '*w' refers to a node that contains it"));
            Assert.That(metrics, Does.Match("mailgate_rules_reloads_total\\{[^}]*result=\"failure\"[^}]*\\} 1"));
        }
    }

    [TestCase("deleted", "the file does not exist")]
    [TestCase("replaced by a directory", "it is a directory, not a file")]
    [TestCase("replaced by a FIFO", "it is not a regular file (a FIFO, socket or device)")]
    public async Task RulesFileUnreadable_IsAFailedReload_UntilItComesBack(string how, string problem)
    {
        var provider = Gateway.Services.GetRequiredService<RulesProvider>();
        var goodVersion = provider.Current.Version;

        Assert.That(await ChangeRulesAsync(() =>
        {
            File.Delete(Gateway.RulesPath);
            if (how == "replaced by a directory")
            {
                Directory.CreateDirectory(Gateway.RulesPath);
            }
            else if (how == "replaced by a FIFO")
            {
                Fifo.Make(Gateway.RulesPath);
            }
        }), Is.False);
        var summary = await PageAbuseReportAsync();
        var (ready, metrics) = await ObserveAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(provider.Current.Version, Is.EqualTo(goodVersion));
            Assert.That(summary, Does.StartWith("AWS abuse report for 123456789012"), "the last good rules still page");
            Assert.That(ready.GetProperty("status").GetString(), Is.EqualTo("ready"));
            Assert.That(ready.GetProperty("rules_reload_failed").GetBoolean(), Is.True);
            Assert.That(ready.GetProperty("rules_problem").GetString(), Does.StartWith("cannot read the rules file: " + problem));
            Assert.That(metrics, Does.Match("mailgate_rules_reloads_total\\{[^}]*result=\"failure\"[^}]*\\} 1"));
            Assert.That(metrics, Does.Match("mailgate_rules_info\\{[^}]*reload_failed=\"true\"[^}]*\\} 1"));
        }

        Assert.That(await ChangeRulesAsync(() =>
        {
            if (Directory.Exists(Gateway.RulesPath))
            {
                Directory.Delete(Gateway.RulesPath);
            }

            File.Delete(Gateway.RulesPath); // a FIFO: writing would wait for a reader
            File.WriteAllText(Gateway.RulesPath, GatewayHarness.DefaultRules);
        }), Is.True);
        // (The metrics endpoint answers from a 300 ms cache, so the gauge is not read again here.)
        (ready, _) = await ObserveAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(provider.LastReloadFailed, Is.False);
            Assert.That(ready.GetProperty("rules_reload_failed").GetBoolean(), Is.False);
            Assert.That(ready.TryGetProperty("rules_problem", out var none) && none.ValueKind != JsonValueKind.Null, Is.False);
        }
    }

    [Test]
    public async Task FailureInsideAReloadCheck_DoesNotStopTheWatcher()
    {
        // Before, any exception escaping a check ended the watcher's BackgroundService, and the host with it.
        var provider = Gateway.Services.GetRequiredService<RulesProvider>();
        var first = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<bool> seen = (_, ok) => first.TrySetResult(ok);
        EventHandler<bool> broken = (_, _) => throw new InvalidOperationException("a listener failed");
        provider.Reloaded += seen;
        provider.Reloaded += broken;
        try
        {
            await File.WriteAllTextAsync(Gateway.RulesPath, GatewayHarness.DefaultRules + "\n# first\n");
            Assert.That(await first.Task.WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
        }
        finally
        {
            provider.Reloaded -= seen;
            provider.Reloaded -= broken;
        }

        Assert.That(await EditRulesAsync(GatewayHarness.DefaultRules + "\n# second\n"), Is.True, "the watcher is still checking");
        Assert.That(await PageAbuseReportAsync(), Does.StartWith("AWS abuse report"), "the gateway still runs");
    }
}
