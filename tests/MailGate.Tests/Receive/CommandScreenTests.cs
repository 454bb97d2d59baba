using System.Buffers;
using System.Text;
using MailGate.Receive;

namespace MailGate.Tests.Receive;

/// <summary>Which command lines MailGate answers or rewrites before SmtpServer sees them.</summary>
[TestFixture]
public sealed class CommandScreenTests
{
    [TestCase("RCPT TO:<a@mailgate.example.com>", 99, null, TestName = "Screen_RcptBelowTheCap_Passes")]
    [TestCase("RCPT TO:<a@mailgate.example.com>", 100, "452 4.5.3 Too many recipients", TestName = "Screen_RcptAtTheCap_Gets452")]
    [TestCase("rcpt to:<a@mailgate.example.com>", 100, "452 4.5.3 Too many recipients", TestName = "Screen_LowerCaseRcptAtTheCap_Gets452")]
    [TestCase("AUTH PLAIN AHVzZXIAcGFzcw==", 0, "503 5.5.1 Error: authentication not enabled", TestName = "Screen_AuthPlain_Gets503")]
    [TestCase("AUTH LOGIN", 0, "503 5.5.1 Error: authentication not enabled", TestName = "Screen_AuthLogin_Gets503")]
    [TestCase("auth cram-md5", 0, "503 5.5.1 Error: authentication not enabled", TestName = "Screen_AuthOtherMechanism_Gets503")]
    [TestCase("AUTH", 0, "503 5.5.1 Error: authentication not enabled", TestName = "Screen_AuthAlone_Gets503")]
    [TestCase("VRFY postmaster", 0, "502 5.5.1 VRFY command is disabled", TestName = "Screen_Vrfy_Gets502")]
    [TestCase("EXPN staff", 0, "502 5.5.1 EXPN command is disabled", TestName = "Screen_Expn_Gets502")]
    [TestCase("HELP", 0, "502 5.5.1 HELP is not available", TestName = "Screen_Help_Gets502")]
    [TestCase("NOOP", 0, null, TestName = "Screen_Noop_Passes")]
    [TestCase("AUTHX", 0, null, TestName = "Screen_VerbOnlyStartingWithAuth_Passes")]
    [TestCase("MAIL FROM:<a@example.com> AUTH=<>", 0, null, TestName = "Screen_MailWithAuthParameter_Passes")]
    [TestCase("MAIL FROM:<a@example.com> SIZE=100 BODY=8BITMIME SMTPUTF8", 0, null, TestName = "Screen_MailWithWellFormedParameters_Passes")]
    [TestCase("MAIL FROM:<> SIZE=100", 0, null, TestName = "Screen_MailWithNullSenderAndSize_Passes")]
    [TestCase("MAIL FROM:<\"a> SIZE=1\"@example.com> SIZE=100", 0, null, TestName = "Screen_MailWithQuotedLocalPartHoldingAnAngleBracket_Passes")]
    [TestCase("MAIL FROM:<a@example.com> SIZE=abc", 0, null, TestName = "Screen_MailWithSizeNotANumber_PassesToTheSizeCheck")]
    [TestCase("MAIL FROM:<a@example.com>", 0, null, TestName = "Screen_MailWithoutParameters_Passes")]
    [TestCase("MAIL FROM:<a@example.com> SIZE=", 0, CommandScreen.BadMailParameters, TestName = "Screen_MailWithEmptySize_Gets501")]
    [TestCase("MAIL FROM:<a@example.com> SIZE=\u00ef\u00bc\u0091", 0, CommandScreen.BadMailParameters, TestName = "Screen_MailWithNonAsciiSize_Gets501")]
    [TestCase("MAIL FROM:<a@example.com> SIZE=1\u001b[2J", 0, CommandScreen.BadMailParameters, TestName = "Screen_MailWithControlCharacterInSize_Gets501")]
    [TestCase("MAIL FROM:<a@example.com> SIZE=999999999 X=a=b", 0, CommandScreen.BadMailParameters, TestName = "Screen_MailWithSizeBesideAMalformedParameter_Gets501")]
    [TestCase("MAIL FROM:<a@example.com> SIZE=1\tBODY=8BITMIME", 0, CommandScreen.BadMailParameters, TestName = "Screen_MailWithTabBetweenParameters_Gets501")]
    [TestCase("MAIL FROM:<a@example.com> -X=1", 0, CommandScreen.BadMailParameters, TestName = "Screen_MailWithKeywordStartingWithAHyphen_Gets501")]
    [TestCase("MAIL FROM:<a@example.com> SIZE=100 SIZE=200", 0, CommandScreen.BadMailParameters, TestName = "Screen_MailWithSizeTwice_Gets501")]
    [TestCase("mail from:<a@example.com> size=100 BODY=7BIT Size=200", 0, CommandScreen.BadMailParameters, TestName = "Screen_MailWithAKeywordTwiceInAnyCase_Gets501")]
    [TestCase("BDAT 100 LAST", 0, null, TestName = "Screen_Bdat_PassesToTheLibrary")]
    public void Screen_Reply(string command, int accepted, string? expectedReply)
    {
        var screened = Screen(command, accepted);

        Assert.That(screened.Reply, Is.EqualTo(expectedReply));
        Assert.That(screened.Rewritten, Is.Null);
    }

    [TestCase("RCPT TO:<Postmaster>", "RCPT TO:<Postmaster@mailgate>", TestName = "Screen_RcptToPostmaster_GetsTheServerName")]
    [TestCase("rcpt to: <POSTMASTER>", "RCPT TO:<POSTMASTER@mailgate>", TestName = "Screen_RcptToPostmasterAnyCaseAndSpace_GetsTheServerName")]
    [TestCase("RCPT TO:<postmaster> NOTIFY=NEVER", "RCPT TO:<postmaster@mailgate> NOTIFY=NEVER", TestName = "Screen_RcptToPostmasterWithParameters_KeepsThem")]
    [TestCase("RCPT TO:<\"Postmaster\">", "RCPT TO:<\"Postmaster\"@mailgate>", TestName = "Screen_RcptToQuotedPostmaster_GetsTheServerName")]
    public void Screen_Postmaster_IsRewritten(string command, string expected)
    {
        var screened = Screen(command, 0);

        Assert.That(screened.Reply, Is.Null);
        Assert.That(Encoding.ASCII.GetString(screened.Rewritten!), Is.EqualTo(expected + "\r\n"));
    }

    [TestCase("RCPT TO:<postmaster@example.com>", TestName = "Screen_RcptToPostmasterWithADomain_Passes")]
    [TestCase("RCPT TO:<postmasters>", TestName = "Screen_RcptToAnotherBareName_Passes")]
    [TestCase("RCPT TO:<\"postmaster>", TestName = "Screen_RcptToHalfQuotedPostmaster_Passes")]
    public void Screen_NotBarePostmaster_Passes(string command) =>
        Assert.That(Screen(command, 0), Is.EqualTo(Screened.Pass));

    private static Screened Screen(string command, int accepted) =>
        CommandScreen.Screen(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(command + "\r\n")), accepted, 100, "mailgate");
}
