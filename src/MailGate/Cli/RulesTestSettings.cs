using MailGate.Core.Parse;
using MailGate.Hosting;
using MailGate.Parse;
using MailGate.Receive;
using Microsoft.Extensions.Configuration;

namespace MailGate.Cli;

/// <summary>
/// The gateway settings <c>rules test</c> reads a message with, from the same configuration sources as the
/// gateway (<c>appsettings.json</c>, <c>MAILGATE_</c> variables, <c>--Section:Key=value</c>): the parser and the
/// DKIM/ARC verifier are then built by <see cref="MessageParserFactory"/>, as in the gateway.
/// </summary>
/// <param name="ParserOptions"><c>Parse:FallbackCharsets</c>, and <c>Smtp:MaxHeaderSize</c> as the header limit.</param>
/// <param name="Trust">The <c>Trust</c> section: DNS servers for <c>--verify</c>.</param>
internal sealed record RulesTestSettings(MessageParserOptions ParserOptions, TrustOptions Trust)
{
    /// <summary>Reads the settings from <paramref name="configurationArgs"/> and the usual sources.</summary>
    public static RulesTestSettings FromConfiguration(IEnumerable<string> configurationArgs)
    {
        var configuration = MailGateConfiguration.Build([.. configurationArgs]);
        var parse = configuration.GetSection(ParseOptions.Section).Get<ParseOptions>() ?? new ParseOptions();
        var smtp = configuration.GetSection(SmtpOptions.Section).Get<SmtpOptions>() ?? new SmtpOptions();
        var trust = configuration.GetSection(TrustOptions.Section).Get<TrustOptions>() ?? new TrustOptions();
        return new RulesTestSettings(MessageParserFactory.ParserOptions(parse, smtp.MaxHeaderSize), trust);
    }

    /// <summary>What the gateway would refuse to start with, in one line; null when the settings are usable.</summary>
    public string? Problem()
    {
        if (ParserOptions.FallbackCharsets.FirstOrDefault(charset => !Charsets.IsKnown(charset)) is { } unknown)
        {
            return $"{ParseOptions.Section}:FallbackCharsets: '{unknown}' is not a charset .NET knows";
        }

        if (ParserOptions.MaxHeaderBytes is < 1024 or > SmtpOptionsValidator.MaxHeaderSizeCeiling)
        {
            return $"{SmtpOptions.Section}:MaxHeaderSize must be between 1024 and {SmtpOptionsValidator.MaxHeaderSizeCeiling} bytes (is {ParserOptions.MaxHeaderBytes})";
        }

        return null;
    }

    /// <summary>The parser: as the gateway's, verifying with keys looked up in DNS when <paramref name="verify"/>, else not verifying (nothing leaves the machine).</summary>
    public MessageParser Parser(bool verify) =>
        MessageParserFactory.Parser(ParserOptions, verify ? MessageParserFactory.KeyLocator(Trust, TimeProvider.System) : null);
}
