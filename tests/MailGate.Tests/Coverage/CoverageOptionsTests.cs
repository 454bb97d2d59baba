using MailGate.Core.Coverage;
using MailGate.Core.Rules;
using MailGate.Coverage;
using MailGate.Poll.Aws;

namespace MailGate.Tests.Coverage;

/// <summary>Coverage's settings, the probe schedule and the accounts it probes: tables of the pure parts.</summary>
[TestFixture]
public sealed class CoverageOptionsTests
{
    private static CoverageOptions Valid() => new()
    {
        Enabled = true,
        From = "mailgate-probe@example.com",
        ProbeKey = "0123456789abcdef",
        Relay = { Host = "smtp-relay.example.com" },
    };

    private static readonly (string Case, Action<CoverageOptions> Change, string? Failure)[] Cases =
    [
        ("valid", _ => { }, null),
        ("off: nothing else is checked", o => { o.Enabled = false; o.From = ""; o.Relay.Host = ""; }, null),
        ("no key", o => o.ProbeKey = "", "Coverage:ProbeKey is not set (set it from the environment: MAILGATE_Coverage__ProbeKey"),
        ("short key", o => o.ProbeKey = "0123456789abcde", "Coverage:ProbeKey must have at least 16 bytes (has 15)"),
        ("key file missing", o => { o.ProbeKey = ""; o.ProbeKeyFile = "/nonexistent/probe.key"; }, "Coverage:ProbeKeyFile: '/nonexistent/probe.key' cannot be read"),
        ("no from", o => o.From = "", "Coverage:From must be an email address"),
        ("from with a name", o => o.From = "MailGate <p@example.com>", "Coverage:From must be an email address"),
        ("no relay", o => o.Relay.Host = "", "Coverage:Relay:Host must be a host name or address"),
        ("relay port", o => o.Relay.Port = 0, "Coverage:Relay:Port must be between 1 and 65535 (is 0)"),
        ("starttls", o => o.Relay.StartTls = "sometimes", "Coverage:Relay:StartTls must be auto, always or never (is 'sometimes')"),
        ("user without password", o => o.Relay.Username = "probe", "Coverage:Relay:Password is not set"),
        ("password file missing", o => { o.Relay.Username = "probe"; o.Relay.PasswordFile = "/nonexistent/pw"; }, "Coverage:Relay:PasswordFile: '/nonexistent/pw' cannot be read"),
        ("deadline past interval", o => o.Deadline = TimeSpan.FromDays(2), "Coverage:Deadline must be shorter than Coverage:Interval"),
        ("interval too short", o => o.Interval = TimeSpan.FromSeconds(5), "Coverage:Interval must be between"),
        ("rounds", o => o.SendFailuresBeforePage = 0, "Coverage:SendFailuresBeforePage must be between 1 and 100 (is 0)"),
        ("attempts", o => o.Relay.Attempts = 0, "Coverage:Relay:Attempts must be between 1 and 10 (is 0)"),
        ("timeout", o => o.Relay.Timeout = TimeSpan.Zero, "Coverage:Relay:Timeout must be between"),
        ("silence alarm, even when off", o => { o.Enabled = false; o.SilenceAlarm = TimeSpan.FromMinutes(-1); }, "Coverage:SilenceAlarm must be 00:00:00 (off) or between 00:05:00 and 90.00:00:00 (is -00:01:00)"),
    ];

    [TestCaseSource(nameof(Cases))]
    public void Validator_NamesTheSetting((string Case, Action<CoverageOptions> Change, string? Failure) row)
    {
        var options = Valid();
        row.Change(options);
        var result = new CoverageOptionsValidator().Validate(null, options);
        if (row.Failure is null)
        {
            Assert.That(result.Succeeded, Is.True, row.Case + ": " + result.FailureMessage);
        }
        else
        {
            Assert.That(result.Failures, Has.Some.StartsWith(row.Failure), row.Case);
        }
    }

    [Test]
    public void Validator_NeverShowsASecret()
    {
        var options = Valid();
        options.ProbeKey = "short-secret";
        options.Relay.Port = 0;
        var result = new CoverageOptionsValidator().Validate(null, options);
        Assert.That(result.FailureMessage, Does.Not.Contain("short-secret"));
    }

    [Test]
    public void ProbeKey_FromTheFile_Trimmed_AndOnlyWhenEnabled()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "  from-a-mounted-secret-file\n");
            var options = new CoverageOptions { Enabled = true, ProbeKeyFile = file, Deadline = TimeSpan.FromHours(2) };
            var key = new CoverageProbeKey(Microsoft.Extensions.Options.Options.Create(options));
            var off = new CoverageProbeKey(Microsoft.Extensions.Options.Options.Create(new CoverageOptions { ProbeKey = "0123456789abcdef0123" }));
            Assert.Multiple(() =>
            {
                Assert.That(System.Text.Encoding.UTF8.GetString(key.Key!.Value.Span), Is.EqualTo("from-a-mounted-secret-file"));
                Assert.That(key.MaxAge, Is.EqualTo(TimeSpan.FromHours(3)));
                Assert.That(off.Key, Is.Null, "coverage off: no mail is a probe");
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static readonly DateTimeOffset Day = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    // 333333333333's phase in a 24-hour interval is 05:45:40.
    private static readonly (string Case, ProbeSent? Sent, DateTimeOffset Now, bool Due)[] Schedule =
    [
        ("never tried", null, Day, true),
        ("tried at 06:00, now 09:00: its slot 05:45 has not come again", Sent(Day.AddHours(6), 0), Day.AddHours(9), false),
        ("tried at 06:00, the next day 05:45", Sent(Day.AddHours(6), 0), Day.AddDays(1).AddHours(5.75), false),
        ("tried at 06:00, the next day 05:46", Sent(Day.AddHours(6), 0), Day.AddDays(1).AddHours(5).AddMinutes(46), true),
        ("tried at 05:00, now 05:50", Sent(Day.AddHours(5), 0), Day.AddHours(5).AddMinutes(50), true),
        ("failed at 06:00, now 06:59", Sent(Day.AddHours(6), 1), Day.AddHours(6).AddMinutes(59), false),
        ("failed at 06:00, now 07:00", Sent(Day.AddHours(6), 1), Day.AddHours(7), true),
        ("tried 'tomorrow' (a clock set back since): due now, not in a day", Sent(Day.AddDays(1), 0), Day.AddHours(9), true),
        ("failed 'tomorrow' (a clock set back since): due now", Sent(Day.AddDays(1), 1), Day.AddHours(9), true),
        ("tried 4 minutes ahead (replicas' clocks differ a little): not due", Sent(Day.AddHours(9).AddMinutes(4), 0), Day.AddHours(9), false),
    ];

    [TestCaseSource(nameof(Schedule))]
    public void IsDue_EachAccountAtItsPhase_FailuresRetriedSooner((string Case, ProbeSent? Sent, DateTimeOffset Now, bool Due) row)
    {
        var settings = new CoverageOptions();
        Assert.Multiple(() =>
        {
            Assert.That(CoverageRound.Phase("333333333333", settings.Interval), Is.EqualTo(TimeSpan.FromHours(5.7613)).Within(TimeSpan.FromSeconds(1)));
            Assert.That(CoverageRound.IsDue("333333333333", row.Sent, row.Now, settings), Is.EqualTo(row.Due), row.Case);
        });
    }

    [TestCase(3, 5)]
    [TestCase(720, 2)]
    [TestCase(7200, 10)]
    public void SendsPerCheck_SpreadsAFirstStart(int accounts, int expected)
    {
        var settings = new CoverageOptions();
        Assert.That(CoverageRound.SendsPerCheck(accounts, settings), Is.EqualTo(Math.Max(5, expected)));
    }

    [Test]
    public void Accounts_RulesFileAddresses_PlusTheOrganizationsActiveAccounts_OneTargetPerId()
    {
        var rules = RulesLoader.Parse("""
            version: 1
            routes:
              oncall: { pagerduty: { routing_key: R0123456789abcdef0123456789abcde } }
            rules:
              - name: everything
                route: oncall
            accounts:
              aws-root-111111111111@example.com: { id: "111111111111", name: prod-payments, owner: payments }
              aws-root-111111111111.example.com: { id: "111111111111", name: prod-payments, owner: payments }
              aws-root-222222222222@example.com: { id: "222222222222", name: data-lake, owner: data }
            """, "rules.yaml");
        AwsAccount[] organization =
        [
            new("222222222222", "data-lake-prod", "root+data@example.com", "ACTIVE"),
            new("333333333333", "sandbox", "root+sandbox@example.com", "ACTIVE"),
            new("444444444444", "closing", "root+closing@example.com", "SUSPENDED"),
        ];

        Assert.Multiple(() =>
        {
            Assert.That(CoverageAccounts.Select(rules.Accounts, null), Is.EqualTo(new[]
            {
                new CoverageTarget("111111111111", "prod-payments", "aws-root-111111111111@example.com"),
                new CoverageTarget("222222222222", "data-lake", "aws-root-222222222222@example.com"),
            }));
            Assert.That(CoverageAccounts.Select(rules.Accounts, organization), Is.EqualTo(new[]
            {
                new CoverageTarget("111111111111", "prod-payments", "aws-root-111111111111@example.com"),
                new CoverageTarget("222222222222", "data-lake-prod", "root+data@example.com"),
                new CoverageTarget("333333333333", "sandbox", "root+sandbox@example.com"),
            }));
        });
    }

    [Test]
    public void Evaluate_AnOpenMissingAlert_KeepsTheAccountMissing_UntilAProbeArrives()
    {
        var sentAt = Day.AddHours(6);
        var sent = new ProbeSent { AccountId = "333333333333", RootAddress = "r@example.com", ProbeId = "00000000000000aa", SentAt = sentAt, AttemptedAt = sentAt, OpenAlert = "missing" };
        var old = new ProbeArrival { AccountId = "333333333333", ProbeId = "0000000000000001", SentAt = Day.AddDays(-2), ArrivedAt = Day.AddDays(-2) };
        var fresh = old with { ProbeId = "00000000000000aa", SentAt = sentAt, ArrivedAt = sentAt.AddMinutes(3) };
        Assert.Multiple(() =>
        {
            Assert.That(CoverageStates.Evaluate(sent, old, sentAt.AddMinutes(5), TimeSpan.FromHours(2)), Is.EqualTo(CoverageState.Missing));
            Assert.That(CoverageStates.Evaluate(sent with { OpenAlert = null }, old, sentAt.AddMinutes(5), TimeSpan.FromHours(2)), Is.EqualTo(CoverageState.Ok));
            Assert.That(CoverageStates.Evaluate(sent, fresh, sentAt.AddMinutes(5), TimeSpan.FromHours(2)), Is.EqualTo(CoverageState.Ok));
        });
    }

    private static ProbeSent Sent(DateTimeOffset at, int failed) => new()
    {
        AccountId = "333333333333", RootAddress = "r@example.com", ProbeId = failed > 0 ? null : "00000000000000aa", SentAt = failed > 0 ? null : at, AttemptedAt = at, FailedRounds = failed,
    };
}
