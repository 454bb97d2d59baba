using MailGate.Poll;
using MailGate.Poll.Aws;

namespace MailGate.Tests.Poll;

/// <summary>The poller's pure parts: which accounts, where a poll starts, what is forgotten, which settings are valid (what an error means: <see cref="PollErrorPolicyTests"/>).</summary>
[TestFixture]
public sealed class PollUnitTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 15, 0, 0, TimeSpan.Zero);

    private static readonly AwsAccount[] Listed =
    [
        new("333333333333", "c", "c@example.com", "ACTIVE"),
        new("111111111111", "a", "a@example.com", "ACTIVE"),
        new("222222222222", "b", "b@example.com", "SUSPENDED"),
        new("444444444444", "d", "d@example.com", "PENDING_CLOSURE"),
        new("555555555555", "e", "e@example.com", "ACTIVE"),
    ];

    [TestCase("", "", "111111111111,333333333333,555555555555")]
    [TestCase("333333333333", "", "333333333333")]
    [TestCase("222222222222,333333333333", "", "333333333333")]
    [TestCase("", "555555555555", "111111111111,333333333333")]
    [TestCase("111111111111,555555555555", "555555555555", "111111111111")]
    public void PolledAccounts_ActiveOnly_NarrowedByConfiguration(string only, string excluded, string expected)
    {
        var options = new SupportCaseOptions();
        foreach (var id in only.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            options.Accounts.Add(id);
        }

        foreach (var id in excluded.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            options.ExcludeAccounts.Add(id);
        }

        Assert.That(string.Join(",", PolledAccounts.Select(Listed, options).Select(a => a.Id)), Is.EqualTo(expected));
    }

    [Test]
    public void Cursor_NeverPolled_LooksBackTheInitialLookback()
    {
        var options = new SupportCaseOptions { InitialLookback = TimeSpan.FromHours(24) };
        Assert.That(new LanguageCursor().After(Now, options), Is.EqualTo(Now.AddHours(-24)));
    }

    [Test]
    public void Cursor_AfterAPoll_StartsTheOverlapBeforeTheNewestCaseSeen_NotAtNowMinusAWindow()
    {
        var options = new SupportCaseOptions { Overlap = TimeSpan.FromMinutes(15) };
        var cursor = new LanguageCursor { Newest = Now.AddHours(-5) };

        Assert.That(cursor.After(Now, options), Is.EqualTo(Now.AddHours(-5).AddMinutes(-15)), "a gateway down for hours resumes where it stopped");
    }

    [Test]
    public void Cursor_AccountWithoutCases_RemembersHowFarItWasRead_SoALongOutageMissesNothing()
    {
        var options = new SupportCaseOptions { Overlap = TimeSpan.FromMinutes(15), InitialLookback = TimeSpan.FromHours(24) };
        var cursor = new LanguageCursor();

        cursor.Advance(newestCase: null, pollStart: Now, options.Overlap);
        var afterAWeekDown = cursor.After(Now.AddDays(7), options);

        Assert.That(cursor.Newest, Is.EqualTo(Now.AddMinutes(-15)));
        Assert.That(afterAWeekDown, Is.EqualTo(Now.AddMinutes(-30)), "not 'now − 24 h': a case from day 2 of the outage is still found");
    }

    [TestCase(-60, -15)] // the newest case is older than the poll's start less the overlap: the poll start counts
    [TestCase(-5, -5)]   // a case newer than that: the case counts
    [TestCase(+3, +3)]   // AWS's clock ahead of ours: the case's time counts
    public void Cursor_Advance_TakesTheLaterOfTheNewestCaseAndThePollStartLessTheOverlap(int caseMinutes, int expectedMinutes)
    {
        var cursor = new LanguageCursor();

        cursor.Advance(Now.AddMinutes(caseMinutes), Now, TimeSpan.FromMinutes(15));

        Assert.That(cursor.Newest, Is.EqualTo(Now.AddMinutes(expectedMinutes)));
    }

    [Test]
    public void Cursor_Advance_NeverMovesBack()
    {
        var cursor = new LanguageCursor { Newest = Now };

        cursor.Advance(Now.AddHours(-2), Now.AddHours(-1), TimeSpan.FromMinutes(15));

        Assert.That(cursor.Newest, Is.EqualTo(Now));
    }

    [TestCase("""{"languages":{"en":null},"watched":{}}""")]
    [TestCase("""{"languages":{"en":{"newest":null,"seen":null}},"watched":{}}""")]
    [TestCase("""{"languages":{},"watched":{"case-1":null}}""")]
    [TestCase("""{"languages":null,"watched":{}}""")]
    [TestCase("""{"languages":{""")]
    public void CursorStore_DamagedFile_IsAJsonError_NotANullReference(string json)
    {
        var folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var store = new CaseCursorStore(folder);
            File.WriteAllText(Path.Combine(folder, "111111111111.json"), json);

            Assert.Throws(Is.InstanceOf<System.Text.Json.JsonException>(), () => store.Load("111111111111"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void Cursor_Prune_ForgetsOnlyCasesNoPollCanReturnAgain()
    {
        var cursor = new LanguageCursor { Newest = Now };
        cursor.Seen["in-overlap"] = Now.AddMinutes(-10);
        cursor.Seen["at-horizon"] = Now.AddMinutes(-15).AddHours(-1);
        cursor.Seen["just-before"] = Now.AddMinutes(-15).AddHours(-1).AddTicks(-1);
        cursor.Seen["old"] = Now.AddDays(-3);

        cursor.Prune(TimeSpan.FromMinutes(15));

        Assert.That(cursor.Seen.Keys, Is.EquivalentTo(new[] { "in-overlap", "at-horizon" }));
    }

    [Test]
    public void Cursor_Prune_BeforeAnyCase_KeepsEverything()
    {
        var cursor = new LanguageCursor();
        cursor.Seen["x"] = Now.AddDays(-30);

        cursor.Prune(TimeSpan.Zero);

        Assert.That(cursor.Seen.Keys, Is.EquivalentTo(new[] { "x" }));
    }

    [Test]
    public void CursorStore_SavesAndLoads_ThroughAFileThatSurvivesRestarts()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var store = new CaseCursorStore(folder);
            var cursor = store.Load("111111111111");
            cursor.For("en").Newest = Now;
            cursor.For("en").Seen["case-1"] = Now;
            cursor.Watched["case-1"] = new WatchedCase("en", "{\"caseId\":\"case-1\"}");
            store.Save("111111111111", cursor);

            var loaded = new CaseCursorStore(folder).Load("111111111111");

            Assert.That(loaded.For("en").Newest, Is.EqualTo(Now));
            Assert.That(loaded.For("en").Seen["case-1"], Is.EqualTo(Now));
            Assert.That(loaded.Watched["case-1"], Is.EqualTo(new WatchedCase("en", "{\"caseId\":\"case-1\"}")));
            Assert.That(new CaseCursorStore(folder).Load("222222222222").Languages, Is.Empty);
            Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "111111111111.json" }), "no temporary file left");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase(true, "00:01:00", "00:00:05", 4, "en,ja", "", null)]
    [TestCase(false, "00:00:00", "00:00:00", 0, "english", "1", null)]
    [TestCase(true, "00:00:00.5", "00:00:00", 4, "", "", "SupportCases:PollInterval must be at least")]
    [TestCase(true, "00:01:00", "00:01:00", 4, "", "", "SupportCases:Jitter must be at least 0 and less than SupportCases:PollInterval")]
    [TestCase(true, "00:01:00", "00:00:00", 0, "", "", "SupportCases:MaxConcurrency must be between 1 and 64 (is 0)")]
    [TestCase(true, "00:01:00", "00:00:00", 4, "english", "", "SupportCases:Languages: 'english' is not a language code")]
    [TestCase(true, "00:01:00", "00:00:00", 4, "", "12345", "SupportCases:Accounts: '12345' is not a 12-digit AWS account id")]
    public void Validator_OnlyWhenEnabled_NamesTheKey(bool enabled, string interval, string jitter, int concurrency, string languages, string accounts, string? failure)
    {
        var options = new SupportCaseOptions
        {
            Enabled = enabled,
            PollInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture),
            Jitter = TimeSpan.Parse(jitter, System.Globalization.CultureInfo.InvariantCulture),
            MaxConcurrency = concurrency,
        };
        foreach (var language in languages.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            options.Languages.Add(language);
        }

        foreach (var account in accounts.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            options.Accounts.Add(account);
        }

        var result = new SupportCaseOptionsValidator().Validate(null, options);

        if (failure is null)
        {
            Assert.That(result.Succeeded, Is.True, result.FailureMessage);
        }
        else
        {
            Assert.That(result.FailureMessage, Does.Contain(failure));
        }
    }

    [Test]
    public void Languages_DefaultToEnglishAndJapanese()
    {
        Assert.That(new SupportCaseOptions().EffectiveLanguages, Is.EqualTo(new[] { "en", "ja" }));
    }

    [Test]
    public void CompletedRounds_AreCounted_WhetherOrNotAnyoneListens()
    {
        // A round that finished before anyone subscribed was not counted (the count was an argument of
        // RoundCompleted?.Invoke): /readyz said 0, and a test waiting for a finished first round waited forever.
        var status = new SupportCasePollStatus();
        status.PollCompleted();
        var heard = new List<long>();
        status.RoundCompleted += (_, count) => heard.Add(count);
        status.PollCompleted();

        Assert.Multiple(() =>
        {
            Assert.That(status.CompletedPolls, Is.EqualTo(2));
            Assert.That(heard, Is.EqualTo(new long[] { 2 }));
        });
    }
}
