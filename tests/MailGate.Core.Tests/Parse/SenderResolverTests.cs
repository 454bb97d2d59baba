using MailGate.Core.Parse;
using MailGate.Core.Tests.Parse.Support;
using MailGate.Tests.Shared;

namespace MailGate.Core.Tests.Parse;

[TestFixture]
public class SenderResolverTests
{
    private const string Author = "ec2-abuse@amazon.com";
    private const string RootFrom = "From: \"'AWS Trust & Safety' via AWS root 123456789012\" <aws-root-123456789012@example.com>";
    private const string RootListId = "List-ID: <aws-root-123456789012.example.com>";
    private const string GroupId = "X-Google-Group-Id: 123456789012345";

    private static readonly object[] Cases =
    [
        new object[] { "rewritten by one group", new[] { RootFrom, RootListId, GroupId, "Reply-To: AWS Trust & Safety <ec2-abuse@amazon.com>", "X-Original-Sender: ec2-abuse@amazon.com", "X-Original-From: AWS Trust & Safety <ec2-abuse@amazon.com>" }, Author },
        new object[] { "rewritten, only X-Original-From", new[] { RootFrom, RootListId, "X-Original-From: AWS Trust & Safety <ec2-abuse@amazon.com>" }, Author },
        new object[] { "rewritten, only X-Original-Sender", new[] { RootFrom, RootListId, "X-Original-Sender: ec2-abuse@amazon.com" }, Author },
        new object[] { "rewritten, only Reply-To", new[] { RootFrom, RootListId, "Reply-To: AWS Trust & Safety <ec2-abuse@amazon.com>" }, Author },
        new object[] { "X-Original-From wins over Reply-To", new[] { RootFrom, RootListId, "Reply-To: helpdesk@example.org", "X-Original-From: <ec2-abuse@amazon.com>" }, Author },
        new object[] { "rewritten, no author anywhere", new[] { RootFrom, RootListId }, "aws-root-123456789012@example.com" },
        new object[] { "not rewritten, list headers present", new[] { "From: AWS Notifications <no-reply@sns.amazonaws.com>", RootListId, GroupId, "Precedence: list", "X-Original-Sender: no-reply@sns.amazonaws.com" }, "no-reply@sns.amazonaws.com" },
        new object[] { "not rewritten, Reply-To elsewhere", new[] { "From: AWS Notifications <no-reply@sns.amazonaws.com>", RootListId, "Reply-To: aws-root-123456789012@example.com" }, "no-reply@sns.amazonaws.com" },
        new object[] { "via display name, group id but no List-Id", new[] { "From: \"'AWS Trust & Safety' via Root\" <root@example.com>", GroupId, "X-Original-From: ec2-abuse@amazon.com" }, Author },
        new object[] { "via display name, address not the List-Id's", new[] { "From: \"'AWS Trust & Safety' via Root\" <root-alias@example.com>", RootListId, "X-Original-Sender: ec2-abuse@amazon.com" }, Author },
        new object[] { "group address known only from List-Post mailto", new[] { "From: aws.root@example.com", "List-ID: <aws.root.example.com>", "List-Post: <https://groups.google.com/a/example.com/group/aws.root/post>, <mailto:aws.root@example.com>", "X-Original-Sender: ec2-abuse@amazon.com" }, Author },
        new object[] { "group address known only from Mailing-list", new[] { "From: aws.root@example.com", "List-ID: <aws.root.example.com>", "Mailing-list: list aws.root@example.com; contact aws.root+owners@example.com", "X-Original-Sender: ec2-abuse@amazon.com" }, Author },
        new object[] { "several Reply-To addresses, group first", new[] { RootFrom, RootListId, "Reply-To: AWS root 123456789012 <aws-root-123456789012@example.com>, AWS Trust & Safety <ec2-abuse@amazon.com>" }, Author },
        new object[] { "several Reply-To addresses, author first", new[] { RootFrom, RootListId, "Reply-To: ec2-abuse@amazon.com, aws-root-123456789012@example.com" }, Author },
        new object[] { "nested groups, second group's headers appended", new[]
            {
                "From: \"''AWS Trust & Safety' via AWS root 123456789012' via AWS alerts\" <aws-alerts@example.com>",
                "Reply-To: AWS Trust & Safety <ec2-abuse@amazon.com>",
                "X-Original-Sender: ec2-abuse@amazon.com", "X-Original-From: AWS Trust & Safety <ec2-abuse@amazon.com>", RootListId,
                "X-Original-Sender: aws-root-123456789012@example.com", "X-Original-From: \"'AWS Trust & Safety' via AWS root 123456789012\" <aws-root-123456789012@example.com>", "List-ID: <aws-alerts.example.com>",
            }, Author },
        new object[] { "nested groups, second group replaced the first's headers", new[]
            {
                "From: \"''AWS Trust & Safety' via AWS root 123456789012' via AWS alerts\" <aws-alerts@example.com>",
                "Reply-To: AWS Trust & Safety <ec2-abuse@amazon.com>",
                "X-Original-Sender: aws-root-123456789012@example.com", "X-Original-From: \"'AWS Trust & Safety' via AWS root 123456789012\" <aws-root-123456789012@example.com>", "List-ID: <aws-alerts.example.com>",
            }, Author },
        new object[] { "nested groups, second group replaced Reply-To too", new[]
            {
                "From: \"''AWS Trust & Safety' via AWS root 123456789012' via AWS alerts\" <aws-alerts@example.com>",
                "Reply-To: \"'AWS Trust & Safety' via AWS root 123456789012\" <aws-root-123456789012@example.com>",
                "X-Original-Sender: aws-root-123456789012@example.com", "X-Original-From: \"'AWS Trust & Safety' via AWS root 123456789012\" <aws-root-123456789012@example.com>", "List-ID: <aws-alerts.example.com>",
            }, "aws-alerts@example.com" },
        new object[] { "author's forged X-Original-From above the group's", new[] { RootFrom, "X-Original-From: ec2-abuse@amazon.com", RootListId, "X-Original-From: someone@example.org" }, "someone@example.org" },
        new object[] { "no From, not a list", new[] { "To: aws-root-123456789012@example.com", "X-Original-From: ec2-abuse@amazon.com" }, "" },
        new object[] { "no From, Sender present", new[] { "Sender: mailer@example.net", "To: aws-root-123456789012@example.com" }, "mailer@example.net" },
        new object[] { "no From, through a group", new[] { RootListId, GroupId, "X-Original-Sender: ec2-abuse@amazon.com" }, Author },
        new object[] { "empty From", new[] { "From: ", RootListId }, "" },
        new object[] { "From present but not a list, X-Original-From forged", new[] { "From: Attacker <attacker@example.org>", "X-Original-From: ec2-abuse@amazon.com", "Reply-To: ec2-abuse@amazon.com" }, "attacker@example.org" },
        new object[] { "From is a group address but no list headers", new[] { "From: \"'AWS' via Root\" <aws-root-123456789012@example.com>", "X-Original-From: ec2-abuse@amazon.com" }, "aws-root-123456789012@example.com" },
        new object[] { "From with several mailboxes", new[] { "From: first@example.org, second@example.org", "Sender: first@example.org" }, "first@example.org" },
        new object[] { "address hidden in an encoded display name", new[] { "From: =?UTF-8?Q?ec2-abuse=40amazon.com?= <attacker@example.org>" }, "attacker@example.org" },
        new object[] { "encoded display name with a comma", new[] { RootFrom, RootListId, "X-Original-From: =?UTF-8?Q?M=C3=BCller=2C_Hans?= <hans@example.org>" }, "hans@example.org" },
        new object[] { "author hidden in an encoded display name of X-Original-From", new[] { RootFrom, RootListId, "X-Original-From: =?UTF-8?Q?ec2-abuse=40amazon.com?= <attacker@example.org>" }, "attacker@example.org" },
        new object[] { "header names in any case", new[] { "from: \"'AWS' via Root\" <aws-root-123456789012@example.com>", "list-id: <aws-root-123456789012.example.com>", "x-original-from: <ec2-abuse@amazon.com>" }, Author },
        new object[] { "unparsable X-Original-From", new[] { RootFrom, RootListId, "X-Original-From: <<<@>>>", "X-Original-Sender: ec2-abuse@amazon.com" }, Author },
    ];

    [TestCaseSource(nameof(Cases))]
    public void Resolve_HeaderList_FindsOriginalAuthor(string scenario, string[] headerLines, string expected)
    {
        var headers = Mail.Headers(headerLines);

        Assert.That(SenderResolver.Resolve(headers), Is.EqualTo(expected), scenario);
    }

    [Test]
    public void Resolve_Null_Throws()
    {
        Assert.That(() => SenderResolver.Resolve(null!), Throws.ArgumentNullException);
    }
}
