using MailGate.Rules;
using MailGate.Spool;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Rules;

/// <summary>Editing the rules file while mail flows: a good edit takes effect, a bad one is refused.</summary>
[TestFixture]
public sealed class RulesReloadTests : GatewayTestBase
{
    protected override string[] Settings => ["--Rules:ReloadInterval=00:00:00.200"];

    private async Task<bool> EditRulesAsync(string text)
    {
        var rules = Gateway.Services.GetRequiredService<RulesProvider>();
        var reloaded = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<bool> handler = (_, succeeded) => reloaded.TrySetResult(succeeded);
        rules.Reloaded += handler;
        try
        {
            await File.WriteAllTextAsync(Gateway.RulesPath, text);
            return await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            rules.Reloaded -= handler;
        }
    }

    [Test]
    public async Task GoodEdit_TakesEffectForTheNextMessage_AndIsRecorded()
    {
        var before = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await Gateway.WaitFinishedAsync(before);
        var oldVersion = Gateway.Services.GetRequiredService<RulesProvider>().Current.Version;

        var edited = GatewayHarness.DefaultRules.Replace("summary: \"AWS abuse report for {account_id}: {subject}\"", "summary: \"EDITED {account_id}\"", StringComparison.Ordinal);
        Assert.That(await EditRulesAsync(edited), Is.True);
        var after = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
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
}
