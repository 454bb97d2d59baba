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

    [TestCase(100_000, 262_144, "Smtp:MaxHeaderSize (262144) must not be larger than Smtp:MaxMessageSize (100000): lower Smtp:MaxHeaderSize too", TestName = "Validate_MaxMessageSizeBelowTheDefaultMaxHeaderSize_FailsNamingBothKeys")]
    [TestCase(26_214_400, 2_097_152, "Smtp:MaxHeaderSize must be between 1024 and 1048576 bytes (is 2097152)", TestName = "Validate_MaxHeaderSizeOverOneMebibyte_Fails")]
    [TestCase(26_214_400, 512, "Smtp:MaxHeaderSize must be between 1024 and 1048576 bytes (is 512)", TestName = "Validate_MaxHeaderSizeBelow1024_Fails")]
    [TestCase(512, 262_144, "Smtp:MaxMessageSize must be between 1024 and 1073741824 bytes (is 512)", TestName = "Validate_MaxMessageSizeBelow1024_FailsOnce")]
    [TestCase(int.MaxValue, 262_144, "Smtp:MaxMessageSize must be between 1024 and 1073741824 bytes (is 2147483647)", TestName = "Validate_MaxMessageSizeOverAGibibyte_FailsOnce")]
    public void Validate_SizeCombination_FailsWithOneLine(int maxMessageSize, int maxHeaderSize, string expected)
    {
        var result = new SmtpOptionsValidator().Validate(null, new SmtpOptions { MaxMessageSize = maxMessageSize, MaxHeaderSize = maxHeaderSize });

        Assert.That(result.Failures, Has.Exactly(1).StartsWith(expected));
        Assert.That(result.Failures!.Count(), Is.EqualTo(1));
    }

    [TestCase(65_536, 65_535, false, TestName = "Validate_MaxDataInFlightBelowASmallMaxMessageSize_Fails")]
    [TestCase(65_536, 65_536, true, TestName = "Validate_MaxDataInFlightEqualToASmallMaxMessageSize_Succeeds")]
    [TestCase(26_214_400, 67_108_864, true, TestName = "Validate_DefaultSizes_Succeed")]
    [TestCase(26_214_400, 34_952_533, true, TestName = "Validate_25MiBMessages_FitInFourThirdsOfThem")]
    [TestCase(26_214_400, 34_952_532, false, TestName = "Validate_25MiBMessages_OneByteLess_Fails")]
    [TestCase(26_214_400, 26_214_400, false, TestName = "Validate_MaxDataInFlightEqualToALargeMaxMessageSize_Fails_TheReserveIsNotForIt")]
    [TestCase(104_857_600, 121_634_816, true, TestName = "Validate_100MiBMessages_FitIn100MiBPlusTheFull16MiBReserve")]
    [TestCase(104_857_600, 67_108_864, false, TestName = "Validate_MaxMessageSizeOver64MiB_NeedsMaxDataInFlightRaised")]
    public void Validate_MaxDataInFlight_AtLeastMaxMessageSize(int maxMessageSize, long maxDataInFlight, bool valid)
    {
        var result = new SmtpOptionsValidator().Validate(null, new SmtpOptions { MaxMessageSize = maxMessageSize, MaxHeaderSize = 8192, MaxDataInFlight = maxDataInFlight });

        Assert.That(result.Succeeded, Is.EqualTo(valid));
        Assert.That(result.Failures ?? [], valid ? Is.Empty : Has.Exactly(1).StartsWith($"Smtp:MaxDataInFlight ({maxDataInFlight}) must be at least {DataBudget.SmallestLimitFor(maxMessageSize)} for Smtp:MaxMessageSize ({maxMessageSize})"));
    }

    [TestCase(100_000, 100_000, TestName = "Validate_MaxHeaderSizeEqualToMaxMessageSize_Succeeds")]
    [TestCase(26_214_400, 1_048_576, TestName = "Validate_MaxHeaderSizeOfOneMebibyte_Succeeds")]
    public void Validate_SizeCombination_Succeeds(int maxMessageSize, int maxHeaderSize) =>
        Assert.That(new SmtpOptionsValidator().Validate(null, new SmtpOptions { MaxMessageSize = maxMessageSize, MaxHeaderSize = maxHeaderSize }).Succeeded, Is.True);

    [TestCase("mailgate", true)]
    [TestCase("mx1.example.com", true)]
    [TestCase("mx-1.example.com", true)]
    [TestCase("mx_1.example.com", false)]
    [TestCase("mail gate", false)]
    [TestCase("-mx.example.com", false)]
    [TestCase("mx..example.com", false)]
    [TestCase("mx.example.com.", false)]
    [TestCase("", false)]
    public void Validate_ServerName_MustBeAHostName(string name, bool valid)
    {
        var result = new SmtpOptionsValidator().Validate(null, new SmtpOptions { ServerName = name });

        Assert.That(result.Succeeded, Is.EqualTo(valid));
        if (!valid)
        {
            Assert.That(result.Failures, Has.Exactly(1).StartsWith("Smtp:ServerName must be a host name"));
        }
    }

    [Test]
    public void Validate_CommandTimeoutLongerThanSessionTimeout_FailsNamingBothKeys()
    {
        var result = new SmtpOptionsValidator().Validate(null, new SmtpOptions { CommandTimeout = TimeSpan.FromMinutes(20), SessionTimeout = TimeSpan.FromMinutes(15) });

        Assert.That(result.Failures, Is.EqualTo(new[] { "Smtp:CommandTimeout (00:20:00) must not be longer than Smtp:SessionTimeout (00:15:00)" }));
    }

    [Test]
    public void Validate_Defaults_Succeed() =>
        Assert.That(new SmtpOptionsValidator().Validate(null, new SmtpOptions()).Succeeded, Is.True);
}
