using System.Text.RegularExpressions;

namespace MailGate.Tests.Gates;

/// <summary>
/// No test waits by sleeping or by polling on a timer (issue #13, shape 7): tests wait on the fake clock
/// (<c>FakeTimeProvider</c>, <c>DrivenTime</c>) or on signals the code under test raises, with a generous
/// timeout only as a failure guard. This scans every C# file under <c>tests/</c> for the waits that block
/// on real time.
/// </summary>
[TestFixture]
public sealed partial class NoSleepGateTests
{
    /// <summary>
    /// Files that may hold such a call, each with the reason. A fake peer may delay its reply to play a
    /// slow server; that delay is the scenario, not a test waiting for something.
    /// </summary>
    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal)
    {
        ["tests/MailGate.Tests/Support/FakePagerDuty.cs"] =
            "plays a slow PagerDuty: FakeResponse.Delay holds the reply (Hang outlasts the client's request timeout; "
            + "SlowAccept keeps POSTs in flight while the crash test kills the gateway); the tests wait on its request signal",
    };

    [Test]
    public void Tests_WaitOnNoSleepOrDelay()
    {
        var found = Waits().Where(w => !Allowed.ContainsKey(w.File)).Select(w => $"{w.File}:{w.Line}: {w.Text}");

        Assert.That(found, Is.Empty, "wait on FakeTimeProvider/DrivenTime or a signal (TaskCompletionSource, an event) instead; see tests/MailGate.Tests/Gates/NoSleepGateTests.cs");
    }

    [Test]
    public void AllowList_NamesOnlyFilesThatStillDelay()
    {
        var delaying = Waits().Select(w => w.File).ToHashSet(StringComparer.Ordinal);

        Assert.That(Allowed.Keys.Where(file => !delaying.Contains(file)), Is.Empty, "an allowed file no longer delays: take it off the list");
    }

    [TestCase("Thread.Sleep(10);", true)]
    [TestCase("await Task.Delay(20);", true)]
    [TestCase("await Task . Delay (TimeSpan.FromSeconds(1), token);", true)]
    [TestCase("await Task.Delay(1, TimeProvider.System);", true)]
    [TestCase("System.Threading.Thread.Sleep(TimeSpan.Zero);", true)]
    [TestCase("SpinWait.SpinUntil(() => done);", true)]
    [TestCase("// a comment may mention Task.Delay(20)", false)]
    [TestCase("/// <see cref=\"Thread.Sleep(int)\"/>", false)]
    [TestCase("var retryDelay = options.RetryBaseDelay;", false)]
    [TestCase("await _time.RunAsync(task);", false)]
    public void Scan_Line_FindsTimedWaits(string line, bool found) =>
        Assert.That(IsTimedWait(line), Is.EqualTo(found));

    /// <summary>This file, left out of the scan: its scanner cases spell the calls out.</summary>
    private const string Self = "tests/MailGate.Tests/Gates/NoSleepGateTests.cs";

    private static IEnumerable<(string File, int Line, string Text)> Waits() =>
        from file in RepositoryFolder.CSharpFiles("tests")
        where file != Self
        from line in File.ReadLines(Path.Combine(RepositoryFolder.Root, file)).Select((text, i) => (Text: text.Trim(), Number: i + 1))
        where IsTimedWait(line.Text)
        select (file, line.Number, line.Text);

    private static bool IsTimedWait(string line) => !line.TrimStart().StartsWith("//", StringComparison.Ordinal) && TimedWait().IsMatch(line);

    [GeneratedRegex(@"\bThread\s*\.\s*Sleep\s*\(|\bTask\s*\.\s*Delay\s*\(|\bSpinWait\s*\.\s*SpinUntil\s*\(")]
    private static partial Regex TimedWait();
}
