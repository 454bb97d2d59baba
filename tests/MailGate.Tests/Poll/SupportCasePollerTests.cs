using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MailGate.Poll;
using MailGate.Spool;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MailGate.Tests.Poll;

/// <summary>
/// The AWS Support case poller end to end: what it finds, pages once, resumes after a restart and
/// resolves (failures are in <see cref="SupportCasePollFailureTests"/>).
/// </summary>
[TestFixture]
public sealed class SupportCasePollerTests : SupportCasePollerTestBase
{
    [Test]
    public async Task SecurityCase_PagesOnce_AcrossPollsAndARestart()
    {
        var added = Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-3) });
        await StartAsync();

        await PagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await PollsAsync(2);
        await Gateway!.StopAsync();
        await Gateway.RestartAsync(PagerDuty, Settings());
        await PollsAsync(2);
        await SettledAsync();

        var sent = PagerDuty.Accepted.Single();
        Assert.Multiple(() =>
        {
            Assert.That(sent.DedupKey, Is.EqualTo($"mailgate-{Rule}-{added.CaseId}"));
            Assert.That(sent.Payload.GetProperty("summary").GetString(), Is.EqualTo($"AWS Support security case {added.DisplayId} (urgent) in account prod-payments ({Prod}): Your AWS Access Key is Exposed"));
            Assert.That(sent.Payload.GetProperty("source").GetString(), Is.EqualTo($"aws-support/{Prod}"));
            Assert.That(sent.Details.GetProperty("support_case").GetProperty("case_id").GetString(), Is.EqualTo(added.CaseId));
            Assert.That(sent.Details.GetProperty("support_case").GetProperty("account_email").GetString(), Is.EqualTo("aws-root-111111111111@example.com"));
            Assert.That(sent.Details.GetProperty("body").GetString(), Does.StartWith("Hello,\n\nWe have become aware that the AWS Access Key"));
            Assert.That(Gateway.Spool.Ids(SpoolArea.Done), Has.Count.EqualTo(1), "spooled once, however many polls saw it");
            Assert.That(Aws.SignatureProblems, Is.Empty);
            Assert.That(Aws.Sts.ExternalIds.Distinct(), Is.EqualTo(new[] { "mailgate-test-external-id" }));
        });
    }

    [Test]
    public async Task FoundCase_IsCommittedByteForByteAsAwsReturnedIt_AndLoggedUnderTheAccountPoller()
    {
        var logger = new CollectingLogger<AccountPoller>();
        var added = Aws.Support.AddCase(Prod, new FakeCase
        {
            TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1),
            Subject = "Your AWS Access Key is Exposed \u00e9 \"quoted\" – ünïcödé",
            CcEmailAddresses = ["security@example.com"],
        });
        await StartWithAsync(services => services.AddSingleton<ILogger<AccountPoller>>(logger));

        await PagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await SettledAsync();

        var spooled = Gateway!.Spool.Open(SpoolArea.Done, Gateway.Spool.Ids(SpoolArea.Done).Single())!;
        Assert.Multiple(() =>
        {
            Assert.That(Path.GetFileName(spooled.MessagePath), Is.EqualTo("case.json"));
            Assert.That(File.ReadAllBytes(spooled.MessagePath), Is.EqualTo(System.Text.Encoding.UTF8.GetBytes(added.ToJson())), "not re-serialised: the case's own bytes from the DescribeCases answer");
            Assert.That(logger.Entries.Where(e => e.EventId == 606).Select(e => e.Properties["SpoolId"]), Is.EqualTo(new[] { spooled.Id }), "case found, in the AccountPoller's category");
        });
    }

    [Test]
    public async Task CasesThatDoNotMatch_AreSpooledAndDropped_NotPaged()
    {
        var recent = DateTimeOffset.UtcNow.AddMinutes(-2);
        Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = recent, SeverityCode = "high" });
        Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = recent, SubmittedBy = "someone@example.com" });
        Aws.Support.AddCase(Sandbox, new FakeCase { TimeCreated = recent, CategoryCode = "account-management", SubmittedBy = "no-reply-aws@amazon.com" });
        Aws.Support.AddCase(Sandbox, new FakeCase { TimeCreated = recent, Status = "resolved" });
        await StartAsync();

        await PollsAsync(2);
        await SettledAsync();

        Assert.That(PagerDuty.Requests, Is.Empty);
        Assert.That(Gateway!.Spool.Ids(SpoolArea.Done), Has.Count.EqualTo(3), "the resolved case is never listed (includeResolvedCases=false)");
        foreach (var id in Gateway.Spool.Ids(SpoolArea.Done))
        {
            var state = SpoolStore.ReadState(Gateway.Spool.Open(SpoolArea.Done, id)!);
            Assert.That(state.DroppedBy, Is.EqualTo("everything-else"));
        }
    }

    [Test]
    public async Task CaseCreatedWhileTheGatewayWasDown_IsFoundAfterRestart()
    {
        // A fixed 5-minute window (what the old script used) would miss anything older than 5 minutes.
        await StartAsync("--SupportCases:InitialLookback=00:05:00");
        await PollsAsync(1);
        await Gateway!.StopAsync();

        // The last poll was two hours ago: the gateway has been down since (time cannot be waited out in
        // a test, so the cursor is moved back as two hours of downtime would have left it).
        var now = DateTimeOffset.UtcNow;
        var cursors = new CaseCursorStore(Path.Combine(Gateway.SpoolPath, "support-cases"));
        var cursor = cursors.Load(Prod);
        cursor.For("en").Newest = now.AddHours(-2);
        cursors.Save(Prod, cursor);
        var missed = Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = now.AddMinutes(-40), SeverityCode = "critical" });
        await Gateway.RestartAsync(PagerDuty, Settings("--SupportCases:InitialLookback=00:05:00"));

        await PagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await PollsAsync(1);
        await SettledAsync();
        Assert.That(PagerDuty.Accepted.Select(e => e.DedupKey).Distinct(), Is.EqualTo(new[] { $"mailgate-{Rule}-{missed.CaseId}" }));
        Assert.That(Gateway.Spool.Ids(SpoolArea.Done), Has.Count.EqualTo(1), "spooled once");
        var afterTimes = Aws.RequestsOf("DescribeCases").Where(r => r.AccountId == Prod && r.Language == "en").Select(r => DateTimeOffset.Parse(r.AfterTime!, CultureInfo.InvariantCulture)).ToArray();
        Assert.That(afterTimes.Count(t => t < now.AddHours(-2)), Is.EqualTo(1), "the first poll after the restart starts at the cursor, not a fixed window");
    }

    [Test]
    public async Task MoreCasesThanOnePage_AreAllFound()
    {
        Aws.Support.CasesPageSize = 30;
        var created = DateTimeOffset.UtcNow.AddMinutes(-30);
        var added = Enumerable.Range(0, 75)
            .Select(i => Aws.Support.AddCase(Data, new FakeCase { TimeCreated = created.AddSeconds(i) }))
            .ToArray();
        await StartAsync();

        await PagerDuty.WaitForAsync(r => r.Count >= 75, TimeSpan.FromSeconds(60));
        await PollsAsync(1);
        await SettledAsync();

        Assert.That(PagerDuty.Accepted.Select(e => e.DedupKey).Order(), Is.EqualTo(added.Select(c => $"mailgate-{Rule}-{c.CaseId}").Order()));
        var pages = Aws.RequestsOf("DescribeCases").Where(r => r.AccountId == Data && r.Language == "en").ToArray();
        Assert.That(pages.Count(r => r.NextToken is not null), Is.GreaterThanOrEqualTo(2), "followed nextToken past the first 30");
    }

    [Test]
    public async Task JapaneseCase_IsFoundInTheJaLanguage()
    {
        var ja = Aws.Support.AddCase(Sandbox, new FakeCase
        {
            TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1),
            Language = "ja",
            Subject = "お客様の AWS アカウントで不審なアクティビティが検出されました",
            SeverityCode = "critical",
        });
        await StartAsync();

        await PagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));

        var sent = PagerDuty.Accepted.Single();
        Assert.That(sent.DedupKey, Is.EqualTo($"mailgate-{Rule}-{ja.CaseId}"));
        Assert.That(sent.Payload.GetProperty("summary").GetString(), Does.EndWith(": お客様の AWS アカウントで不審なアクティビティが検出されました"));
        Assert.That(sent.Details.GetProperty("support_case").GetProperty("language").GetString(), Is.EqualTo("ja"));
    }

    [Test]
    public async Task ResolveEvents_WhenTheCaseIsResolved_SendsResolveWithTheSameDedupKey()
    {
        var added = Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1) });
        await StartAsync("--SupportCases:ResolveEvents=true");
        await PagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));

        Aws.Support.ResolveCase(added.CaseId!);
        await PagerDuty.WaitForAsync(r => r.Count >= 2, TimeSpan.FromSeconds(30));
        await PollsAsync(2);

        var events = PagerDuty.Accepted;
        Assert.That(events.Select(e => e.Json.GetProperty("event_action").GetString()), Is.EqualTo(new[] { "trigger", "resolve" }));
        Assert.That(events.Select(e => e.DedupKey).Distinct().Single(), Is.EqualTo($"mailgate-{Rule}-{added.CaseId}"));
    }

    [Test]
    public async Task Disabled_ByDefault_NeverCallsAws()
    {
        Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1) });
        var credentials = FakeAwsCredentialSource.Base;
        Gateway = await GatewayHarness.StartAsync(
            PagerDuty, services => FakeAwsCredentialSource.Register(services, credentials), Rules, [.. Aws.Settings.Select(kv => $"--{kv.Key}={kv.Value}")]);

        using var http = new HttpClient();
        var report = await http.GetFromJsonAsync<JsonElement>(new Uri(Gateway.HttpUrl, "/readyz"));

        Assert.That(report.TryGetProperty("support_cases", out var polled) && polled.ValueKind != JsonValueKind.Null, Is.False);
        Assert.That(Gateway.Services.GetServices<IHostedService>().OfType<SupportCasePoller>(), Is.Empty, "the poller is not even registered");
        Assert.That(Aws.Requests, Is.Empty);
        Assert.That(credentials.Resolutions, Is.Zero, "no credentials looked for");
    }
}
