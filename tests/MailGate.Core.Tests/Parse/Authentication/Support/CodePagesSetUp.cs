using System.Text;

namespace MailGate.Core.Tests.Parse.Authentication;

/// <summary>
/// Registers the code-page encodings before these fixtures touch MimeKit. MimeKit looks charsets up once
/// and keeps the answer, so a MimeMessage built here before any MessageParser exists would leave
/// ISO-2022-JP and Shift_JIS undecodable for every later test in the run.
/// </summary>
[SetUpFixture]
public class CodePagesSetUp
{
    [OneTimeSetUp]
    public void RegisterCodePages() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
}
