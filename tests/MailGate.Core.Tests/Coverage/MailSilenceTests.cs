using System.Buffers;
using System.Text;
using MailGate.Core.Coverage;
using MailGate.Core.Parse;
using MailGate.Core.Storage;

namespace MailGate.Core.Tests.Coverage;

/// <summary>Issue #15's silence alarm, pure: List-Ids read from the raw header, the per-group keys, and when to page or resolve.</summary>
[TestFixture]
public sealed class MailSilenceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    [TestCase("List-Id: <aws-root-1.example.com>\r\nSubject: x\r\n\r\nbody", new[] { "aws-root-1.example.com" })]
    [TestCase("List-Id: \"AWS root 1\" <aws-root-1.example.com>\r\n\r\n", new[] { "aws-root-1.example.com" })]
    [TestCase("LIST-ID:<g.example.com>\r\n\r\n", new[] { "g.example.com" })]
    [TestCase("List-Id: \"A long\r\n name\"\r\n <folded.example.com>\r\nX: y\r\n\r\n", new[] { "folded.example.com" })]
    [TestCase("List-Id: <inner.example.com>\r\nList-Id: <outer.example.com>\r\nList-Id: <INNER.example.com>\r\n\r\n", new[] { "inner.example.com", "outer.example.com" })]
    [TestCase("List-Id: bare.example.com\r\n\r\n", new[] { "bare.example.com" })]
    [TestCase("Subject: no list\r\n\r\nList-Id: <in-the-body.example.com>\r\n", new string[0])]
    [TestCase("X-List-Id: <not-it.example.com>\r\nList-Idx: <nor-this>\r\n\r\n", new string[0])]
    [TestCase("List-Id: <>\r\n\r\n", new string[0])]
    [TestCase("Subject: all header, no body\r\nList-Id: <last.example.com>", new[] { "last.example.com" })]
    [TestCase("List-Id: <lf-only.example.com>\nSubject: x\n\n", new[] { "lf-only.example.com" })]
    public void ListIds_FromTheRawHeaderSection(string raw, string[] expected) =>
        Assert.That(ListIds.InHeader(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(raw))), Is.EqualTo(expected));

    [Test]
    public void ListIds_AtMostTheLimit()
    {
        var raw = string.Concat(Enumerable.Range(0, 20).Select(i => $"List-Id: <g{i}.example.com>\r\n")) + "\r\n";
        Assert.That(ListIds.InHeader(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(raw)), max: 3), Is.EqualTo(new[] { "g0.example.com", "g1.example.com", "g2.example.com" }));
    }

    [TestCase("aws-root-1.example.com", "list-aws-root-1.example.com")]
    [TestCase("AWS-Root.Example.COM", "list-aws-root.example.com")]
    [TestCase("a b/c:d@e", "list-a_b_c_d_e")]
    [TestCase("ü.example", "list-_.example")]
    public void ListKey_IsAStorageKey(string listId, string key)
    {
        Assert.That(MailSilence.ListKey(listId), Is.EqualTo(key));
        Assert.That(StorageNames.IsKey(MailSilence.ListKey(listId)), Is.True);
    }

    [Test]
    public void ListKey_OfAVeryLongId_IsCut() =>
        Assert.That(MailSilence.ListKey(new string('x', 500)), Has.Length.EqualTo(128).And.Matches<string>(StorageNames.IsKey));

    private static readonly TimeSpan Alarm = TimeSpan.FromHours(48);

    // last received (minutes after T0; null: none), watching since (min), open since (min; null: none), now (min), action
    [TestCase(null, 0, null, 60, SilenceAction.None, TestName = "Decide: nothing ever arrived, watching for an hour: quiet")]
    [TestCase(null, 0, null, 2880, SilenceAction.None, TestName = "Decide: nothing ever arrived, exactly the alarm: not yet")]
    [TestCase(null, 0, null, 2881, SilenceAction.Raise, TestName = "Decide: nothing ever arrived, beyond the alarm: page")]
    [TestCase(100, 0, null, 2900, SilenceAction.None, TestName = "Decide: mail 100 min in, 46.7 h since: quiet")]
    [TestCase(100, 0, null, 2981, SilenceAction.Raise, TestName = "Decide: mail 100 min in, over 48 h since: page")]
    [TestCase(-5000, 0, null, 2000, SilenceAction.None, TestName = "Decide: mail long before watching began: counted from watching")]
    [TestCase(null, 0, 2881, 9000, SilenceAction.None, TestName = "Decide: open alert, still no mail: no second page")]
    [TestCase(100, 0, 2981, 9000, SilenceAction.None, TestName = "Decide: open alert, the last mail is older than it: no change")]
    [TestCase(3000, 0, 2981, 3001, SilenceAction.Resolve, TestName = "Decide: open alert, mail after it: resolve")]
    public void Decide(int? last, int watching, int? open, int now, SilenceAction expected)
    {
        var state = new SilenceAlarmState { WatchingSince = T0.AddMinutes(watching), OpenSince = open is { } o ? T0.AddMinutes(o) : null };
        Assert.That(MailSilence.Decide(last is { } l ? T0.AddMinutes(l) : null, state, T0.AddMinutes(now), Alarm), Is.EqualTo(expected));
    }
}
