using MailGate.Core.Messages;
using MailGate.Core.Parse.Authentication;
using MailGate.Core.Storage;
using System.Text;
using MimeKit;
using MimeKit.Text;

namespace MailGate.Core.Parse;

/// <summary>
/// Parses a spooled message with MimeKit into <see cref="MessageFacts"/>. Bounded for hostile input:
/// the header section is measured before MimeKit sees it, MIME depth is capped, the body text is cut.
/// Undeclared 8-bit text is read as <see cref="Charsets"/> decides; Google Groups' footers are left out
/// of the body, and the content hash is the author's (<see cref="ContentIdentity"/>).
/// </summary>
public sealed class MessageParser
{
    private readonly MessageParserOptions _options;
    private readonly ParserOptions _mimeOptions;
    private readonly Charsets _charsets;
    private readonly MailAuthenticator? _authenticator;

    /// <summary>Creates a parser. Registers the code-page encodings (ISO-2022-JP, Shift_JIS, windows-125x) MimeKit needs.</summary>
    /// <param name="options">Parsing bounds and fallback charsets; null for the defaults.</param>
    /// <param name="authenticator">
    /// Verifies DKIM and ARC in <see cref="ParseAsync(string, Envelope, Stream, CancellationToken)"/>; null to skip it
    /// (<see cref="AuthenticationFacts.NotChecked"/>). The synchronous <c>Parse</c> never verifies.
    /// </param>
    /// <exception cref="ArgumentException">A name in <see cref="MessageParserOptions.FallbackCharsets"/> is not a charset .NET knows.</exception>
    public MessageParser(MessageParserOptions? options = null, MailAuthenticator? authenticator = null)
    {
        _authenticator = authenticator;
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        _options = options ?? new MessageParserOptions();
        _mimeOptions = ParserOptions.Default.Clone();
        _mimeOptions.MaxMimeDepth = _options.MaxMimeDepth;
        _charsets = new Charsets(_options.FallbackCharsets);
    }

    /// <summary>Parses a raw message read from a seekable <paramref name="stream"/>.</summary>
    /// <exception cref="MessageParseException">The message cannot be parsed.</exception>
    public MessageFacts Parse(string spoolId, Envelope envelope, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        using var mime = Load(stream, cancellationToken, out var options);
        return ToFacts(spoolId, envelope, mime, options);
    }

    /// <summary>
    /// Parses a raw message read from a seekable <paramref name="stream"/> and, with an authenticator,
    /// verifies it while the message is loaded: the stream must stay open until the task completes.
    /// </summary>
    /// <exception cref="MessageParseException">The message cannot be parsed.</exception>
    public async Task<MessageFacts> ParseAsync(string spoolId, Envelope envelope, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        using var mime = Load(stream, cancellationToken, out var options);
        var facts = ToFacts(spoolId, envelope, mime, options);
        if (_authenticator is null)
        {
            return facts;
        }

        // DKIM and ARC hash the message as received: the persistent load keeps the raw header values and
        // reads the body from the stream.
        var authentication = await _authenticator.VerifyAsync(mime, cancellationToken).ConfigureAwait(false);
        return facts with { Authentication = authentication };
    }

    /// <summary>
    /// Loads the message; when a header holds raw 8-bit bytes that are not UTF-8, loads it again with the
    /// charset <see cref="Charsets.ForHeaders"/> chooses for them, so that every header (Subject, display
    /// names, X-Original-From, …) is read with it.
    /// </summary>
    private MimeMessage Load(Stream stream, CancellationToken cancellationToken, out ParserOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (HeaderSection.Measure(stream, _options.MaxHeaderBytes) < 0)
        {
            throw new MessageParseException($"the header section is larger than {_options.MaxHeaderBytes} bytes");
        }

        var start = stream.Position;
        options = _mimeOptions;
        var mime = Load(stream, options, cancellationToken);
        if (_charsets.ForHeaders(mime.Headers, Charsets.Declared(mime)) is not { } encoding)
        {
            return mime;
        }

        mime.Dispose();
        stream.Position = start;
        options = _mimeOptions.Clone();
        options.CharsetEncoding = encoding;
        return Load(stream, options, cancellationToken);
    }

    private static MimeMessage Load(Stream stream, ParserOptions options, CancellationToken cancellationToken)
    {
        MimeMessage mime;
        try
        {
            // persistent: parts stay slices of the file instead of copies in memory.
            mime = MimeMessage.Load(options, stream, persistent: true, cancellationToken);
        }
        catch (FormatException e)
        {
            throw new MessageParseException($"not a MIME message: {e.Message}", e);
        }

        if (mime.Headers.Count == 0)
        {
            mime.Dispose();
            throw new MessageParseException("not a message: no header fields");
        }

        return mime;
    }

    private MessageFacts ToFacts(string spoolId, Envelope envelope, MimeMessage mime, ParserOptions options)
    {
        var headers = mime.Headers;
        var sender = SenderResolver.Resolve(headers);
        var subject = Charsets.Clean((mime.Subject ?? "").Trim());
        var date = headers.Contains(HeaderId.Date) && mime.Date != DateTimeOffset.MinValue ? mime.Date : (DateTimeOffset?)null;
        var to = mime.To.Mailboxes.Select(m => m.Address).ToArray();
        var cc = mime.Cc.Mailboxes.Select(m => m.Address).ToArray();
        var body = BodyOf(mime);
        return new MessageFacts
        {
            SpoolId = spoolId,
            Sender = sender,
            From = mime.From.Mailboxes.FirstOrDefault()?.Address ?? "",
            EnvelopeFrom = envelope.Mail?.MailFrom ?? "",
            Recipients = envelope.Mail?.Recipients ?? [],
            To = to,
            Cc = cc,
            Subject = subject,
            Body = body,
            ListId = headers.Contains(HeaderId.ListId) ? ListIds.Identifier(headers[HeaderId.ListId] ?? "") : "",
            MessageId = mime.MessageId ?? "",
            Date = date,
            ReceivedAt = envelope.ReceivedAt,
            ContentHash = ContentIdentity.Hash(headers, options, sender, date, subject, to, cc, body),
            Headers = HeaderMap(headers),
            IsReport = mime.Body is MultipartReport,
        };
    }

    /// <summary>
    /// The text part, or the text of the HTML part when the text part is missing or holds nothing but
    /// Google Groups footers (a group appends its footer to an empty text alternative too, or as a part of
    /// its own); without the group footers at its end (<see cref="GroupFooters"/>); cut to
    /// <see cref="MessageParserOptions.MaxBodyChars"/> without splitting a surrogate pair.
    /// </summary>
    /// <remarks>
    /// The parts are chosen as <see cref="MimeMessage.TextBody"/> and <see cref="MimeMessage.HtmlBody"/>
    /// choose them, but their text is streamed (<see cref="BodyText"/>) and only as much is read as the
    /// cut keeps: those two properties decode a whole part into one string (a 25 MiB text part became
    /// a 50 MiB string, plus the growing buffer behind it), and the body is cut to 1,000,000 chars anyway.
    /// Room for the footers of <see cref="FooterRoom"/> chars more is read, and the footers are taken off
    /// before the cut: a body just under the limit is the author's text whichever groups' footers follow
    /// it (cut after them, two copies through two groups had two content hashes). A longer body is the
    /// author's first chars.
    /// </remarks>
    private string BodyOf(MimeMessage mime)
    {
        var max = _options.MaxBodyChars;
        var room = (int)Math.Min((long)max + FooterRoom, int.MaxValue - 1);
        var declared = Charsets.Declared(mime);
        var plain = BodyPart(mime, TextFormat.Plain);
        var text = plain is null ? null : BodyText.Read(plain, _charsets, declared, reader => BodyText.ReadAtMost(reader, room + 1));
        if (plain is { IsFlowed: true } && text is not null)
        {
            text = FlowedText(plain, text);
        }

        if (GroupFooters.IsOnlyFooters(text) && BodyPart(mime, TextFormat.Html) is { } html)
        {
            text = BodyText.Read(html, _charsets, declared, reader => HtmlText.ToPlainText(reader, room + 1));
        }

        text ??= "";
        if (text.Length <= room)
        {
            text = GroupFooters.Strip(text); // the end was read: the footers there are the groups'
        }

        return Charsets.Clean(text.Length <= max ? text : text[..(max > 0 && char.IsHighSurrogate(text[max - 1]) ? max - 1 : max)]);
    }

    /// <summary>How many chars past <see cref="MessageParserOptions.MaxBodyChars"/> are read for the group footers: eight nested groups' worth.</summary>
    private const int FooterRoom = 8 * GroupFooters.MaxFooterChars;

    /// <summary>The part <see cref="MimeMessage.GetTextBody(TextFormat)"/> would decode (for Plain or Html), without decoding it.</summary>
    private static TextPart? BodyPart(MimeMessage mime, TextFormat format) => mime.Body switch
    {
        Multipart multipart when multipart.TryGetValue(format, out var part) => part,
        TextPart part when (format == TextFormat.Html ? part.IsHtml : part.IsPlain) && !part.IsAttachment => part,
        _ => null,
    };

    /// <summary>format=flowed joined as MimeKit's <see cref="MimeMessage.TextBody"/> does (applied to the text read so far).</summary>
    private static string FlowedText(TextPart part, string text)
    {
        var converter = new FlowedToText();
        if (part.ContentType.Parameters.TryGetValue("delsp", out string? delsp))
        {
            converter.DeleteSpace = string.Equals(delsp, "yes", StringComparison.OrdinalIgnoreCase);
        }

        return converter.Convert(text);
    }

    private static Dictionary<string, IReadOnlyList<string>> HeaderMap(HeaderList headers)
    {
        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers)
        {
            if (!map.TryGetValue(header.Field, out var values))
            {
                map[header.Field] = values = new List<string>(1);
            }

            ((List<string>)values).Add(Charsets.Clean(header.Value.Trim()));
        }

        return map;
    }
}
