using System.Net.Http.Headers;
using System.Text.Json;
using MailGate.Cli;
using MailGate.Core.Coverage;
using MailGate.Tests.Support;

namespace MailGate.Tests.Coverage;

/// <summary>
/// Issue #15, visibility: <c>GET /coverage</c>, the status page's Coverage section, the coverage metrics and
/// <c>mailgate coverage</c> show each account's state from the stored documents, and when mail last arrived over
/// SMTP, overall and per List-Id (recorded by the receiver, written to the store on stop).
/// </summary>
[TestFixture]
public sealed class CoverageViewTests
{
    private const string Token = "status-token-0123456789abcdef";
    private const string Ok = "111111111111";
    private const string Missing = "222222222222";
    private const string Group = "aws-root-111111111111.example.com";

    private static void WriteAccounts(GatewayHarness gateway, DateTimeOffset now)
    {
        using var spool = gateway.Spool;
        var store = spool.Cursors(CoverageDocuments.Store);
        foreach (var id in new[] { Ok, Missing })
        {
            store.Write(CoverageDocuments.SentKey(id), CoverageDocuments.Write(new ProbeSent
            {
                AccountId = id,
                AccountName = "acct-" + id,
                RootAddress = $"aws-root-{id}@example.com",
                ProbeId = "0123456789abcdef",
                SentAt = now.AddHours(-3),
            }));
        }

        store.Write(CoverageDocuments.RelayAlarmKey, CoverageDocuments.Write(new RelayAlarmState { Open = true, Since = now.AddHours(-1) }));
        store.Write(CoverageDocuments.ArrivedKey(Ok), CoverageDocuments.Write(new ProbeArrival
        {
            AccountId = Ok,
            ProbeId = "0123456789abcdef",
            SentAt = now.AddHours(-3),
            ArrivedAt = now.AddHours(-3).AddSeconds(90),
            ListIds = [Group],
            Recipients = ["aws-abuse@mailgate.example.com"],
        }));
    }

    [Test]
    public async Task EndpointStatusPageMetricsAndCommand_ShowTheAccountsAndTheLastMail()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        WriteAccounts(gateway, DateTimeOffset.UtcNow);
        var mail = Mail.Simple("hello");
        mail.Headers.Add("List-Id", $"\"AWS root 1\" <{Group}>");
        await Mail.SendAsync(gateway, mail);

        using var http = new HttpClient { BaseAddress = gateway.HttpUrl };
        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri("/coverage", UriKind.Relative)));
        var root = json.RootElement;
        var accounts = root.GetProperty("accounts").EnumerateArray().ToArray();
        var silence = root.GetProperty("silence");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(accounts.Select(a => (a.GetProperty("account_id").GetString(), a.GetProperty("state").GetString())), Is.EqualTo(new[] { (Ok, "ok"), (Missing, "missing") }));
            Assert.That(accounts[0].GetProperty("latency_seconds").GetDouble(), Is.EqualTo(90));
            Assert.That(accounts[0].GetProperty("root_address").GetString(), Is.EqualTo($"aws-root-{Ok}@example.com"));
            Assert.That(accounts[0].GetProperty("path").GetString(), Is.EqualTo($"{Group} → rcpt aws-abuse@mailgate.example.com"));
            Assert.That(silence.GetProperty("last_received_at").GetDateTimeOffset(), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
            Assert.That(silence.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("list_id").GetString()), Is.EqualTo(new[] { Group }));
            Assert.That(silence.GetProperty("alarm_after").ValueKind, Is.EqualTo(JsonValueKind.Null), "the silence alarm is off by default");
            Assert.That(root.GetProperty("relay_alert_open_since").GetDateTimeOffset(), Is.EqualTo(DateTimeOffset.UtcNow.AddHours(-1)).Within(TimeSpan.FromMinutes(1)), "the relay alert is open");
        }

        var page = await http.GetStringAsync(new Uri("/status", UriKind.Relative));
        Assert.That(page, Does.Contain("<section id=\"coverage\"><h2>Coverage</h2>").And.Contain(Missing).And.Contain("badge bad\">missing").And.Contain(Group).And.Contain("relay alert open since"));

        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.That(metrics, Does.Match("mailgate_coverage_accounts\\{[^}]*state=\"missing\"[^}]*\\} 1")
            .And.Match("mailgate_coverage_last_arrival_timestamp_seconds\\{[^}]*account=\"111111111111\"")
            .And.Match("mailgate_coverage_group_last_mail_timestamp_seconds\\{[^}]*list_id=\"aws-root-111111111111.example.com\"")
            .And.Match("mailgate_last_mail_received_timestamp_seconds(\\{[^}]*\\})? 1\\d{9}")
            .And.Match("mailgate_coverage_relay_alert_open(\\{[^}]*\\})? 1"));

        await gateway.StopAsync(); // writes this replica's arrivals to the store
        var (exit, table) = await RunAsync("coverage", "--spool", gateway.SpoolPath);
        Assert.That(exit, Is.EqualTo(ExitCodes.Failure), "an account is missing");
        Assert.That(table, Does.Contain($"{Missing}  aws-root-{Missing}@example.com").And.Contain("missing").And.Contain("2 account(s): 0 pending, 1 ok, 1 missing, 0 send_failed")
            .And.Contain("last mail received").And.Contain("group " + Group).And.Contain("; relay alert open since "));
        var (jsonExit, printed) = await RunAsync("coverage", "--spool", gateway.SpoolPath, "--json");
        using var cli = JsonDocument.Parse(printed);
        Assert.That(jsonExit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(cli.RootElement.GetProperty("accounts").GetArrayLength(), Is.EqualTo(2));
        Assert.That(cli.RootElement.GetProperty("silence").GetProperty("groups")[0].GetProperty("list_id").GetString(), Is.EqualTo(Group));
    }

    [Test]
    public async Task Endpoint_HasTheApisAccessRules()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, "--Http:Url=http://0.0.0.0:0", $"--Http:StatusToken={Token}");
        using var http = new HttpClient { BaseAddress = new UriBuilder(gateway.HttpUrl) { Host = "127.0.0.1" }.Uri };
        using (var refused = await http.GetAsync(new Uri("/coverage", UriKind.Relative)))
        {
            Assert.That((int)refused.StatusCode, Is.EqualTo(401));
            Assert.That(refused.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var answer = await http.GetAsync(new Uri("/coverage", UriKind.Relative));
        Assert.That((int)answer.StatusCode, Is.EqualTo(200));
        Assert.That(answer.Headers.CacheControl?.NoStore, Is.True);
        Assert.That(JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("accounts").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Command_EmptyStore_Exits0()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        await gateway.StopAsync();
        var (exit, table) = await RunAsync("coverage", "--spool", gateway.SpoolPath);
        Assert.That(exit, Is.Zero, table);
        Assert.That(table, Does.Contain("0 account(s)").And.Contain("no mail received recorded; silence alarm off"));
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(args, output, output);
        return (exit, output.ToString());
    }
}
