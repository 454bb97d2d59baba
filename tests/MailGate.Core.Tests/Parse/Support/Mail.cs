using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Storage;
using System.Text;
using MimeKit;

namespace MailGate.Core.Tests.Parse.Support;

/// <summary>Loads fixtures and builds raw messages for parser tests.</summary>
internal static class Mail
{
    /// <summary>When every test envelope was "received".</summary>
    public static readonly DateTimeOffset ReceivedAt = new(2026, 11, 12, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An envelope as the SMTP intake would write it.</summary>
    public static Envelope Envelope() =>
        MailGate.Core.Messages.Envelope.ForMail("aws-root-123456789012+bnc0000@example.com", ["mailgate@example.com"], ReceivedAt, "192.0.2.1", "session-0001");

    /// <summary>The path of <c>tests/Fixtures/mail/<paramref name="name"/></c> as copied to the test output.</summary>
    public static string FixturePath(string name) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "mail", name);

    /// <summary>Parses a fixture file the way the gateway parses a spooled message.</summary>
    public static MessageFacts ParseFixture(string name, MessageParserOptions? options = null)
    {
        using var stream = new FileStream(FixturePath(name), FileMode.Open, FileAccess.Read, FileShare.Read);
        return new MessageParser(options).Parse(name, Envelope(), stream);
    }

    /// <summary>Parses <paramref name="raw"/> written with any line ends; lines are sent with CRLF.</summary>
    public static MessageFacts Parse(string raw, MessageParserOptions? options = null, CancellationToken cancellationToken = default) =>
        ParseBytes(Encoding.UTF8.GetBytes(Crlf(raw)), options, cancellationToken);

    /// <summary>Parses raw bytes as they would sit in the spool.</summary>
    public static MessageFacts ParseBytes(byte[] raw, MessageParserOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(raw, writable: false);
        return new MessageParser(options).Parse("spool-0001", Envelope(), stream, cancellationToken);
    }

    /// <summary>A header section as MimeKit reads it from the wire (raw values kept), from lines joined with CRLF.</summary>
    public static HeaderList Headers(params string[] lines)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n"));
        return HeaderList.Load(ParserOptions.Default, stream);
    }

    /// <summary>A minimal message: the given header lines, then a blank line and <paramref name="body"/>.</summary>
    public static string Message(string body, params string[] headerLines) =>
        string.Join("\r\n", headerLines) + "\r\n\r\n" + body;

    /// <summary><paramref name="text"/> with every line end made CRLF.</summary>
    public static string Crlf(string text) => text.ReplaceLineEndings("\r\n");
}
