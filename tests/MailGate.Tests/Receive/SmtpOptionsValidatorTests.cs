using MailGate.Receive;

namespace MailGate.Tests.Receive;

[TestFixture]
public sealed class SmtpOptionsValidatorTests
{
    [TestCase("MaxConnections", "0", "Smtp:MaxConnections must be at least 1 (is 0)")]
    [TestCase("MaxConnectionsPerClient", "0", "Smtp:MaxConnectionsPerClient must be at least 1 and at most Smtp:MaxConnections (is 0)")]
    [TestCase("MaxConnectionsPerClient", "101", "Smtp:MaxConnectionsPerClient must be at least 1 and at most Smtp:MaxConnections (is 101)")]
    [TestCase("AllowedClients", "192.0.2.1/24", "Smtp:AllowedClients: '192.0.2.1/24' is not a network in CIDR form")]
    [TestCase("AllowedClients", "_spf.google.com", "Smtp:AllowedClients: '_spf.google.com' is not a network in CIDR form")]
    [TestCase("MaxRecipients", "0", "Smtp:MaxRecipients must be at least 1 (is 0)")]
    [TestCase("MaxErrors", "0", "Smtp:MaxErrors must be at least 1 (is 0)")]
    public void Validate_BadValue_FailsWithOneLineNamingTheKey(string key, string value, string expected)
    {
        var options = new SmtpOptions();
        switch (key)
        {
            case "MaxConnections": options.MaxConnections = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "MaxConnectionsPerClient": options.MaxConnectionsPerClient = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "AllowedClients": options.AllowedClients = ["192.0.2.0/24", value]; break;
            case "MaxRecipients": options.MaxRecipients = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "MaxErrors": options.MaxErrors = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            default: Assert.Fail(key); break;
        }

        var result = new SmtpOptionsValidator().Validate(null, options);

        Assert.That(result.Failures, Has.Exactly(1).StartsWith(expected));
        Assert.That(result.Failures!.Count(), Is.EqualTo(1));
    }

    [Test]
    public void Validate_Defaults_Succeed() =>
        Assert.That(new SmtpOptionsValidator().Validate(null, new SmtpOptions()).Succeeded, Is.True);
}
