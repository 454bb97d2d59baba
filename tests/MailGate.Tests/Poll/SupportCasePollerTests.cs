using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MailGate.Poll;
using MailGate.Spool;
using MailGate.Storage;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Tests.Poll;

/// <summary>
/// The AWS Support case poller end to end: the real host, a fake AWS (STS, Organizations, Support)
/// and a fake PagerDuty, both over real HTTP on loopback.
/// </summary>
[TestFixture]
[NonParallelizable] // the AWS SDK's credential chain reads process-wide environment variables (FakeAwsEnvironment)
public sealed class SupportCasePollerTests
{
    private const string Prod = "111111111111";
    private const string Sandbox = "222222222222";
    private const string Data = "333333333333";
    private const string Closed = "444444444444";
    private const string Rule = "aws-security-support-case";

    private const string Rules = $$"""
        version: 1
        routes:
          security-oncall:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
              severity: critical
        rules:
          - name: {{Rule}}
            when:
              source: { equals: support-case }
              category: { contains: security }
              submitted_by: { ends_with: "@amazon.com" }
              severity: { equals: [urgent, critical] }
              not:
                status: { equals: resolved }
            summary: "AWS Support security case {display_id} ({severity}) in account {account}: {subject}"
            route: security-oncall
          - name: everything-else
            action: drop
        """;

    private FakeAws _aws = null!;
    private FakePagerDuty _pagerDuty = null!;
    private GatewayHarness? _gateway;

    [SetUp]
    public async Task SetUpAsync()
    {
        _aws = await FakeAws.StartAsync();
        _aws.AddAccount(Prod, "prod-payments", "aws-root-111111111111@example.com");
        _aws.AddAccount(Sandbox, "sandbox", "aws-root-222222222222@example.com");
        _aws.AddAccount(Data, "data-lake", "aws-root-333333333333@example.com");
        _aws.AddAccount(Closed, "closed", "aws-root-444444444444@example.com", status: "SUSPENDED");
        _pagerDuty = await FakePagerDuty.StartAsync();
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _pagerDuty.DisposeAsync();
        await _aws.DisposeAsync();
    }

    private string[] Settings(params string[] extra) =>
    [
        "--SupportCases:Enabled=true",
        "--SupportCases:PollInterval=00:00:01",
        "--SupportCases:Jitter=00:00:00",
        .. _aws.Settings.Select(kv => $"--{kv.Key}={kv.Value}"),
        "--Aws:RetryBaseDelay=00:00:00.010",
        "--Aws:RetryMaxDelay=00:00:00.050",
        "--Aws:ExternalId=mailgate-test-external-id",
        .. extra,
    ];

    private async Task StartAsync(params string[] extra) =>
        _gateway = await GatewayHarness.StartAsync(_pagerDuty, Rules, Settings(extra));

    private SupportCasePollStatus Status => _gateway!.Services.GetRequiredService<SupportCasePollStatus>();

    /// <summary>Waits until <paramref name="rounds"/> more rounds of polling have completed.</summary>
    private async Task PollsAsync(int rounds)
    {
        var target = Status.CompletedPolls + rounds;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (Status.CompletedPolls < target)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"{rounds} more round(s) of polling did not complete within 30 s (completed: {Status.CompletedPolls}); AWS requests: "
                    + string.Join("; ", Status.Accounts.Select(a => $"{a.AccountId} {a.State} {a.LastError}")) + " hosted: " + string.Join(",", _gateway!.Services.GetServices<IHostedService>().Select(h => h.GetType().Name)) + " requests " + _aws.Requests.Count);
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Waits until every spooled entry is finished (in done/ or dead/).</summary>
    private async Task SettledAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_gateway!.Spool.Ids(SpoolArea.Active).Count > 0)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    [Test]
    public async Task SecurityCase_PagesOnce_AcrossPollsAndARestart()
    {
        var added = _aws.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-3) });
        await StartAsync();

        await _pagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await PollsAsync(2);
        await _gateway!.StopAsync();
        await _gateway.RestartAsync(_pagerDuty, Settings());
        await PollsAsync(2);
        await SettledAsync();

        var sent = _pagerDuty.Accepted.Single();
        Assert.Multiple(() =>
        {
            Assert.That(sent.DedupKey, Is.EqualTo($"mailgate-{Rule}-{added.CaseId}"));
            Assert.That(sent.Payload.GetProperty("summary").GetString(), Is.EqualTo($"AWS Support security case {added.DisplayId} (urgent) in account prod-payments ({Prod}): Your AWS Access Key is Exposed"));
            Assert.That(sent.Payload.GetProperty("source").GetString(), Is.EqualTo($"aws-support/{Prod}"));
            Assert.That(sent.Details.GetProperty("support_case").GetProperty("case_id").GetString(), Is.EqualTo(added.CaseId));
            Assert.That(sent.Details.GetProperty("support_case").GetProperty("account_email").GetString(), Is.EqualTo("aws-root-111111111111@example.com"));
            Assert.That(sent.Details.GetProperty("body").GetString(), Does.StartWith("Hello,\n\nWe have become aware that the AWS Access Key"));
            Assert.That(_gateway.Spool.Ids(SpoolArea.Done), Has.Count.EqualTo(1), "spooled once, however many polls saw it");
            Assert.That(_aws.SignatureProblems, Is.Empty);
            Assert.That(_aws.ExternalIds.Distinct(), Is.EqualTo(new[] { "mailgate-test-external-id" }));
        });
    }

    [Test]
    public async Task CasesThatDoNotMatch_AreSpooledAndDropped_NotPaged()
    {
        var recent = DateTimeOffset.UtcNow.AddMinutes(-2);
        _aws.AddCase(Prod, new FakeCase { TimeCreated = recent, SeverityCode = "high" });
        _aws.AddCase(Prod, new FakeCase { TimeCreated = recent, SubmittedBy = "someone@example.com" });
        _aws.AddCase(Sandbox, new FakeCase { TimeCreated = recent, CategoryCode = "account-management", SubmittedBy = "no-reply-aws@amazon.com" });
        _aws.AddCase(Sandbox, new FakeCase { TimeCreated = recent, Status = "resolved" });
        await StartAsync();

        await PollsAsync(2);
        await SettledAsync();

        Assert.That(_pagerDuty.Requests, Is.Empty);
        Assert.That(_gateway!.Spool.Ids(SpoolArea.Done), Has.Count.EqualTo(3), "the resolved case is never listed (includeResolvedCases=false)");
        foreach (var id in _gateway.Spool.Ids(SpoolArea.Done))
        {
            var state = SpoolStore.ReadState(_gateway.Spool.Open(SpoolArea.Done, id)!);
            Assert.That(state.DroppedBy, Is.EqualTo("everything-else"));
        }
    }

    [Test]
    public async Task CaseCreatedWhileTheGatewayWasDown_IsFoundAfterRestart()
    {
        // A fixed 5-minute window (what the old script used) would miss anything older than 5 minutes.
        await StartAsync("--SupportCases:InitialLookback=00:05:00");
        await PollsAsync(1);
        await _gateway!.StopAsync();

        // The last poll was two hours ago: the gateway has been down since (time cannot be waited out in
        // a test, so the cursor is moved back as two hours of downtime would have left it).
        var now = DateTimeOffset.UtcNow;
        var cursors = new CaseCursorStore(Path.Combine(_gateway.SpoolPath, "support-cases"));
        var cursor = cursors.Load(Prod);
        cursor.For("en").Newest = now.AddHours(-2);
        cursors.Save(Prod, cursor);
        var missed = _aws.AddCase(Prod, new FakeCase { TimeCreated = now.AddMinutes(-40), SeverityCode = "critical" });
        await _gateway.RestartAsync(_pagerDuty, Settings("--SupportCases:InitialLookback=00:05:00"));

        await _pagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await PollsAsync(1);
        await SettledAsync();
        Assert.That(_pagerDuty.Accepted.Select(e => e.DedupKey).Distinct(), Is.EqualTo(new[] { $"mailgate-{Rule}-{missed.CaseId}" }));
        Assert.That(_gateway.Spool.Ids(SpoolArea.Done), Has.Count.EqualTo(1), "spooled once");
        var afterTimes = _aws.RequestsOf("DescribeCases").Where(r => r.AccountId == Prod && r.Language == "en").Select(r => DateTimeOffset.Parse(r.AfterTime!, CultureInfo.InvariantCulture)).ToArray();
        Assert.That(afterTimes.Count(t => t < now.AddHours(-2)), Is.EqualTo(1), "the first poll after the restart starts at the cursor, not a fixed window");
    }

    [Test]
    public async Task MoreCasesThanOnePage_AreAllFound()
    {
        _aws.CasesPageSize = 30;
        var created = DateTimeOffset.UtcNow.AddMinutes(-30);
        var added = Enumerable.Range(0, 75)
            .Select(i => _aws.AddCase(Data, new FakeCase { TimeCreated = created.AddSeconds(i) }))
            .ToArray();
        await StartAsync();

        await _pagerDuty.WaitForAsync(r => r.Count >= 75, TimeSpan.FromSeconds(60));
        await PollsAsync(1);
        await SettledAsync();

        Assert.That(_pagerDuty.Accepted.Select(e => e.DedupKey).Order(), Is.EqualTo(added.Select(c => $"mailgate-{Rule}-{c.CaseId}").Order()));
        var pages = _aws.RequestsOf("DescribeCases").Where(r => r.AccountId == Data && r.Language == "en").ToArray();
        Assert.That(pages.Count(r => r.NextToken is not null), Is.GreaterThanOrEqualTo(2), "followed nextToken past the first 30");
    }

    [Test]
    public async Task AccountWhoseRoleCannotBeAssumed_IsReported_AndTheOthersStillPage()
    {
        _aws.DenyAssumeRole(Sandbox);
        _aws.SubscriptionRequired(Data);
        var prodCase = _aws.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1) });
        await StartAsync();

        await _pagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await PollsAsync(2);

        var accounts = Status.Accounts.ToDictionary(a => a.AccountId);
        Assert.Multiple(() =>
        {
            Assert.That(_pagerDuty.Accepted.Single().DedupKey, Is.EqualTo($"mailgate-{Rule}-{prodCase.CaseId}"));
            Assert.That(accounts.Keys, Is.EquivalentTo(new[] { Prod, Sandbox, Data }), "ACTIVE accounts only, from every ListAccounts page");
            Assert.That(accounts[Prod].State, Is.EqualTo("ok"));
            Assert.That(accounts[Sandbox].State, Is.EqualTo("assume_role_failed"));
            Assert.That(accounts[Sandbox].LastError, Does.Contain("AccessDenied"));
            Assert.That(accounts[Data].State, Is.EqualTo("subscription_required"));
            Assert.That(accounts[Data].LastError, Does.Contain("support plan"));
        });

        using var http = new HttpClient();
        using var ready = await http.GetAsync(new Uri(_gateway!.HttpUrl, "/readyz"));
        var report = await ready.Content.ReadFromJsonAsync<JsonElement>();
        var polled = report.GetProperty("support_cases").GetProperty("accounts").EnumerateArray()
            .ToDictionary(a => a.GetProperty("account_id").GetString()!, a => a.GetProperty("state").GetString());
        Assert.That((int)ready.StatusCode, Is.EqualTo(200), "a failing account does not stop mail: still ready");
        Assert.That(polled[Sandbox], Is.EqualTo("assume_role_failed"));

        var metrics = await http.GetStringAsync(new Uri(_gateway.HttpUrl, "/metrics"));
        Assert.That(metrics, Does.Match($"mailgate_support_polls_total\\{{[^}}]*account=\"{Sandbox}\"[^}}]*result=\"assume_role_failed\""));
        Assert.That(metrics, Does.Match($"mailgate_support_last_success_seconds\\{{[^}}]*account=\"{Prod}\""), "the README's metric names");
        Assert.That(metrics, Does.Match("mailgate_support_accounts\\{[^}]*state=\"assume_role_failed\"[^}]*\\} 1"));
        Assert.That(metrics, Does.Match($"mailgate_support_cases_found_total\\{{[^}}]*account=\"{Prod}\"[^}}]*\\}} 1"));
    }

    [Test]
    public async Task FailingAccount_IsLoggedOncePerChangeOfState_NotOncePerPoll()
    {
        _aws.DenyAssumeRole(Sandbox);
        _aws.SubscriptionRequired(Data);
        // The gateway's own poller polls an account outside the Organization (nothing); the poller under
        // test shares its clients, spool and status, with a logger the test reads.
        await StartAsync("--SupportCases:Accounts:0=999999999990", "--SupportCases:PollInterval=01:00:00");
        await PollsAsync(1);
        var logger = new CollectingLogger<SupportCasePoller>();
        var options = Options.Create(new SupportCaseOptions { Enabled = true, PollInterval = TimeSpan.FromSeconds(1), Jitter = TimeSpan.Zero });
        using var poller = ActivatorUtilities.CreateInstance<SupportCasePoller>(_gateway!.Services, options, logger);
        await poller.StartAsync(CancellationToken.None);
        try
        {
            await PollsAsync(3);
            _aws.AllowAssumeRole(Sandbox);
            await PollsAsync(2);
        }
        finally
        {
            await poller.StopAsync(CancellationToken.None);
        }

        var failed = logger.Entries.Where(e => e.EventId == 604).Select(e => e.Message).ToArray();
        var recovered = logger.Entries.Where(e => e.EventId == 605).Select(e => e.Message).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(failed, Has.Length.EqualTo(2), string.Join("\n", failed));
            Assert.That(failed, Has.One.Contains($"account {Sandbox} (sandbox): assume_role_failed").And.Contains("AccessDenied"));
            Assert.That(failed, Has.One.Contains($"account {Data} (data-lake): subscription_required").And.Contains("support plan"));
            Assert.That(logger.Entries.Where(e => e.EventId == 604).Select(e => e.Level), Is.All.EqualTo(LogLevel.Warning));
            Assert.That(recovered, Has.Length.EqualTo(1));
            Assert.That(recovered[0], Does.Contain($"account {Sandbox} (sandbox) are polled again (was assume_role_failed)"));
        });
    }

    [Test]
    public async Task DamagedCursorOfOneAccount_IsReported_TheOthersStillPage_AndMailStillFlows()
    {
        await StartAsync();
        await PollsAsync(1);
        await _gateway!.StopAsync();
        await File.WriteAllTextAsync(Path.Combine(_gateway.SpoolPath, "support-cases", $"{Sandbox}.json"), """{"languages":{"en":null},"watched":{}}""");
        var prodCase = _aws.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1) });
        await _gateway.RestartAsync(_pagerDuty, Settings());

        await _pagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await PollsAsync(2);
        var mail = await Mail.SendAsync(_gateway, Mail.Fixture("billing-statement-via-google-group.eml"));

        Assert.That(_pagerDuty.Accepted.Single().DedupKey, Is.EqualTo($"mailgate-{Rule}-{prodCase.CaseId}"));
        var sandbox = Status.Accounts.Single(a => a.AccountId == Sandbox);
        Assert.That(sandbox.State, Is.EqualTo("error"));
        Assert.That(sandbox.LastError, Does.Contain("the cursor file is damaged"));
        Assert.That(await _gateway.WaitFinishedAsync(mail), Is.EqualTo(SpoolArea.Done), "the gateway keeps running");
    }

    [Test]
    public async Task Throttling_IsRetried_AndTheCaseStillPages()
    {
        _aws.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1) });
        _aws.Throttle(3);
        await StartAsync("--SupportCases:MaxConcurrency=1");

        await _pagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await PollsAsync(1);

        Assert.That(_aws.Requests.Count(r => r.Status == 400 && r.ErrorCode is { } code && (code.Contains("Throttling", StringComparison.Ordinal) || code.Contains("TooManyRequests", StringComparison.Ordinal))), Is.EqualTo(3));
        Assert.That(Status.Accounts.Select(a => a.State), Is.All.EqualTo("ok"));
    }

    [Test]
    public async Task JapaneseCase_IsFoundInTheJaLanguage()
    {
        var ja = _aws.AddCase(Sandbox, new FakeCase
        {
            TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1),
            Language = "ja",
            Subject = "お客様の AWS アカウントで不審なアクティビティが検出されました",
            SeverityCode = "critical",
        });
        await StartAsync();

        await _pagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));

        var sent = _pagerDuty.Accepted.Single();
        Assert.That(sent.DedupKey, Is.EqualTo($"mailgate-{Rule}-{ja.CaseId}"));
        Assert.That(sent.Payload.GetProperty("summary").GetString(), Does.EndWith(": お客様の AWS アカウントで不審なアクティビティが検出されました"));
        Assert.That(sent.Details.GetProperty("support_case").GetProperty("language").GetString(), Is.EqualTo("ja"));
    }

    [Test]
    public async Task ResolveEvents_WhenTheCaseIsResolved_SendsResolveWithTheSameDedupKey()
    {
        var added = _aws.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1) });
        await StartAsync("--SupportCases:ResolveEvents=true");
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));

        _aws.ResolveCase(added.CaseId!);
        await _pagerDuty.WaitForAsync(r => r.Count >= 2, TimeSpan.FromSeconds(30));
        await PollsAsync(2);

        var events = _pagerDuty.Accepted;
        Assert.That(events.Select(e => e.Json.GetProperty("event_action").GetString()), Is.EqualTo(new[] { "trigger", "resolve" }));
        Assert.That(events.Select(e => e.DedupKey).Distinct().Single(), Is.EqualTo($"mailgate-{Rule}-{added.CaseId}"));
    }

    [Test]
    public async Task Disabled_ByDefault_NeverCallsAws()
    {
        _aws.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1) });
        _gateway = await GatewayHarness.StartAsync(_pagerDuty, Rules, [.. _aws.Settings.Select(kv => $"--{kv.Key}={kv.Value}")]);

        using var http = new HttpClient();
        var report = await http.GetFromJsonAsync<JsonElement>(new Uri(_gateway.HttpUrl, "/readyz"));

        Assert.That(report.TryGetProperty("support_cases", out var polled) && polled.ValueKind != JsonValueKind.Null, Is.False);
        Assert.That(_gateway.Services.GetServices<IHostedService>().OfType<SupportCasePoller>(), Is.Empty, "the poller is not even registered");
        Assert.That(_aws.Requests, Is.Empty);
    }
}
