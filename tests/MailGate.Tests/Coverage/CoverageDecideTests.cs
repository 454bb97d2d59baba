using MailGate.Core.Coverage;
using MailGate.Coverage;

namespace MailGate.Tests.Coverage;

/// <summary>Which alert a round owes for one account (<see cref="CoverageRound.Decide"/>): a dense table of state × open alert × arrival.</summary>
[TestFixture]
public sealed class CoverageDecideTests
{
    private static readonly DateTimeOffset SentAt = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);
    private static readonly CoverageTarget Target = new("333333333333", "sandbox", "aws-root-333333333333@roots.test");
    private static readonly ProbeArrival Current = new() { AccountId = "333333333333", ProbeId = "00000000000000bb", SentAt = SentAt, ArrivedAt = SentAt.AddMinutes(2) };
    private static readonly ProbeArrival Earlier = Current with { ProbeId = "00000000000000aa", SentAt = SentAt.AddDays(-1), ArrivedAt = SentAt.AddDays(-1).AddMinutes(2) };

    // (case, open alert, failed rounds, arrival, state, expected alert "kind/trigger|resolve" or null, open afterwards)
    private static readonly (string Case, string? Open, int Failed, ProbeArrival? Arrival, CoverageState State, string? Alert, string? OpenAfter)[] Rows =
    [
        ("pending, nothing open", null, 0, null, CoverageState.Pending, null, null),
        ("ok, nothing open", null, 0, Current, CoverageState.Ok, null, null),
        ("enters missing", null, 0, Earlier, CoverageState.Missing, "missing/trigger", "missing"),
        ("still missing", "missing", 0, Earlier, CoverageState.Missing, null, "missing"),
        ("missing after send_failed was paged", "send_failed", 0, null, CoverageState.Missing, "missing/trigger", "missing"),
        ("missing, its probe arrives", "missing", 0, Current, CoverageState.Ok, "missing/resolve", null),
        ("ok by an earlier probe while missing is open: no resolve", "missing", 0, Earlier, CoverageState.Ok, null, "missing"),
        ("send failed once", null, 1, null, CoverageState.SendFailed, null, null),
        ("send failed twice", null, 2, null, CoverageState.SendFailed, null, null),
        ("send failed three times: the relay's alert, not the account's", null, 3, Earlier, CoverageState.SendFailed, null, null),
        ("send failed four times: already paged", "send_failed", 4, Earlier, CoverageState.SendFailed, null, "send_failed"),
        ("send failed three times while missing is open", "missing", 3, null, CoverageState.SendFailed, null, "missing"),
        ("sent again after send_failed, not arrived yet", "send_failed", 0, Earlier, CoverageState.Pending, null, "send_failed"),
        ("sent again after send_failed, arrived", "send_failed", 0, Current, CoverageState.Ok, "send_failed/resolve", null),
    ];

    [TestCaseSource(nameof(Rows))]
    public void Decide((string Case, string? Open, int Failed, ProbeArrival? Arrival, CoverageState State, string? Alert, string? OpenAfter) row)
    {
        var sent = new ProbeSent
        {
            AccountId = Target.AccountId,
            RootAddress = Target.RootAddress,
            ProbeId = "00000000000000bb",
            SentAt = SentAt,
            AttemptedAt = SentAt,
            FailedRounds = row.Failed,
            LastError = row.Failed > 0 ? "Connection refused" : null,
            OpenAlert = row.Open,
        };
        var (alert, open) = CoverageRound.Decide(Target, sent, row.Arrival, row.State, new CoverageOptions(), SentAt.AddHours(3));

        Assert.Multiple(() =>
        {
            Assert.That(alert is null ? null : $"{alert.Kind}/{(alert.Resolve ? "resolve" : "trigger")}", Is.EqualTo(row.Alert), row.Case);
            Assert.That(open, Is.EqualTo(row.OpenAfter), row.Case);
            if (alert is not null)
            {
                Assert.That(alert.DedupKey, Is.EqualTo("mailgate-coverage-333333333333"));
                Assert.That(alert.Summary, Does.Contain("sandbox (333333333333, aws-root-333333333333@roots.test)"));
                Assert.That(alert.RaisedAt, Is.EqualTo(SentAt.AddHours(3)));
            }
        });
    }

    [Test]
    public void TheMissingSummary_SaysWhatWasLastSeenAndWhen()
    {
        var sent = new ProbeSent { AccountId = Target.AccountId, RootAddress = Target.RootAddress, ProbeId = "00000000000000bb", SentAt = SentAt, AttemptedAt = SentAt };
        var seen = Earlier with { ListIds = ["aws-root-333333333333.roots.test", "aws-roots.roots.test"] };
        var (alert, _) = CoverageRound.Decide(Target, sent, seen, CoverageState.Missing, new CoverageOptions(), SentAt.AddHours(3));
        Assert.That(alert!.Summary, Is.EqualTo(
            "No coverage probe from AWS account sandbox (333333333333, aws-root-333333333333@roots.test) came back within 02:00:00: sent 2026-12-01 06:00:00 UTC; "
            + "last probe from it arrived 2026-11-30 06:02:00 UTC via aws-root-333333333333.roots.test, aws-roots.roots.test"));
    }
}
