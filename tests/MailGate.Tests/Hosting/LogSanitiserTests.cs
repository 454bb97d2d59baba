using MailGate.Core.Parse;
using System.Text;
using System.Text.Json;
using MailGate.Hosting;
using MailGate.Parse;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace MailGate.Tests.Hosting;

/// <summary>
/// Attacker text in logs (issue #11 §1): the enricher and exception sink LoggingSetup installs, driven
/// through Microsoft.Extensions.Logging and the gateway's own log calls, in both formats.
/// </summary>
[TestFixture]
public sealed class LogSanitiserTests
{
    /// <summary>Each class of character that must not reach a log raw, as a sender can write it in a subject.</summary>
    private static readonly object[] Hostile =
    [
        new object[] { "ESC: clear screen, colours", "\u001b[2J\u001b[31mred\u001b[0m", new[] { "\\u001B[2J", "\\u001B[31m" } },
        new object[] { "CR LF: a forged log line", "x\r\n[12:00:00.000 INF] Decided forged", new[] { "x\\u000D\\u000A[12:00:00.000 INF]" } },
        new object[] { "right-to-left override", "invoice\u202Efdp.exe", new[] { "invoice\\u202Efdp.exe" } },
        new object[] { "isolates and marks", "\u2066a\u2069\u200E\u200F\u061C", new[] { "\\u2066a\\u2069\\u200E\\u200F\\u061C" } },
        new object[] { "line and paragraph separators", "a\u2028b\u2029c", new[] { "a\\u2028b\\u2029c" } },
        new object[] { "NEL and other C1 controls", "a\u0085b\u009bc", new[] { "a\\u0085b\\u009Bc" } },
        new object[] { "NUL, BEL, DEL, TAB", "a\0b\ac\u007fd\te", new[] { "a\\u0000b\\u0007c\\u007Fd\\u0009e" } },
    ];

    [TestCaseSource(nameof(Hostile))]
    public void TextLog_HostileSubject_ShownEscapedOnOneLine(string kind, string subject, string[] shown)
    {
        var output = Write(TextFormatter(), logger => MailGate.Log.MessageDropped(logger, "spool-1", "id@example.com", "a@example.com", subject, "everything-else", "v1"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(output.TrimEnd('\n'), Does.Not.Contain('\n'), kind + ": one line");
            Assert.That(UntrustedText.NeedsEscape(output.TrimEnd('\n')), Is.False, kind);
            foreach (var part in shown)
            {
                Assert.That(output, Does.Contain(part), kind);
            }
        }
    }

    [TestCaseSource(nameof(Hostile))]
    public void JsonLog_HostileSubject_EscapedInPropertyAndRenderedMessage(string kind, string subject, string[] shown)
    {
        var output = Write(new RenderedCompactJsonFormatter(), logger => MailGate.Log.MessageDropped(logger, "spool-1", "id@example.com", "a@example.com", subject, "everything-else", "v1"));

        using var json = JsonDocument.Parse(output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(UntrustedText.NeedsEscape(output.TrimEnd('\n')), Is.False, kind + ": the JSON line itself");
            foreach (var part in shown)
            {
                Assert.That(json.RootElement.GetProperty("Subject").GetString(), Does.Contain(part), kind);
                Assert.That(json.RootElement.GetProperty("@m").GetString(), Does.Contain(part), kind);
            }
        }
    }

    [Test]
    public void TextLog_190KbFoldedSubject_BoundedToAboutOneKilobyte()
    {
        var subject = string.Concat(Enumerable.Repeat("Your AWS Abuse Report folded ", 190 * 1024 / 29));

        var output = Write(TextFormatter(), logger => MailGate.Log.MessageMatched(logger, "spool-1", "id", "a@example.com", subject, "", "rule", "route", "critical", true, "key", "arc=none", "v1"));

        Assert.That(output.Length, Is.LessThan(LogSanitiser.MaxValueChars + 400));
        Assert.That(output, Does.Contain($"…(+{subject.Length - LogSanitiser.MaxValueChars} chars)"));
    }

    [Test]
    public void Log_EveryKindOfValue_Sanitised()
    {
        var sink = new CollectingSink();
        using var serilog = new LoggerConfiguration().Enrich.With(new LogSanitiser()).WriteTo.Sink(sink).CreateLogger();

        serilog.Information(
            "{Text} {Sequence} {@Structure} {Dictionary} {Number} {Other}",
            "a\u001bb",
            new[] { "c\u202Ed", "plain" },
            new { Field = "e\u2028f" },
            new Dictionary<string, string> { ["k\u0085"] = "v\u009b" },
            42,
            new Uri("http://example.com/%1b"));

        var rendered = sink.Events.Single().RenderMessage(System.Globalization.CultureInfo.InvariantCulture);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(UntrustedText.NeedsEscape(rendered), Is.False, rendered);
            Assert.That(rendered, Does.Contain("a\\u001Bb").And.Contain("c\\u202Ed").And.Contain("e\\u2028f").And.Contain("k\\u0085").And.Contain("v\\u009B").And.Contain(" 42 "));
        }
    }

    [Test]
    public void Log_DryRunEventJson_KeepsMoreRoomAndStaysValidJson()
    {
        var eventJson = JsonSerializer.Serialize(new { summary = "s\u202E" + new string('x', 5000) }, Relaxed);

        var output = Write(new RenderedCompactJsonFormatter(), logger => MailGate.Log.DryRunEvent(logger, "spool-1", "route", "PD_KEY", eventJson));

        using var json = JsonDocument.Parse(output);
        var logged = json.RootElement.GetProperty("EventJson").GetString()!;
        using var parsed = JsonDocument.Parse(logged);
        Assert.That(parsed.RootElement.GetProperty("summary").GetString(), Is.EqualTo("s\u202E" + new string('x', 5000)), "the escape is JSON's own: the value survives");
    }

    [Test]
    public void Log_ExceptionWithHostileMessage_MessageEscapedStackTraceKept()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("outer \u001b[2J", new FormatException("inner\r\nforged line \u202E"));
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        var output = Write(TextFormatter(), logger => MailGate.Log.ProcessingFailed(logger, thrown, "spool-1"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(output, Does.Contain("System.InvalidOperationException: outer \\u001B[2J ---> System.FormatException: inner\\u000D\\u000Aforged line \\u202E"));
            Assert.That(output, Does.Contain("   at MailGate.Tests.Hosting.LogSanitiserTests"));
            Assert.That(output.Split('\n'), Has.None.StartsWith("forged line"));
            Assert.That(UntrustedText.NeedsEscape(output, keep: "\n"), Is.False);
        }
    }

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static MessageTemplateTextFormatter TextFormatter() => new(LoggingSetup.TextTemplate, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Logs through Microsoft.Extensions.Logging into Serilog set up as LoggingSetup sets it up, and returns what the formatter wrote.</summary>
    private static string Write(ITextFormatter formatter, Action<Microsoft.Extensions.Logging.ILogger> log)
    {
        var output = new StringWriter();
        using (var serilog = new LoggerConfiguration()
            .Enrich.FromLogContext()
            .Enrich.With(new LogSanitiser())
            .WriteTo.Sink(new LogSanitiser.ExceptionSink(new FormattingSink(formatter, output)))
            .CreateLogger())
        using (var factory = new SerilogLoggerFactory(serilog))
        {
            log(factory.CreateLogger("test"));
        }

        return output.ToString();
    }

    private sealed class FormattingSink(ITextFormatter formatter, TextWriter output) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => formatter.Format(logEvent, output);
    }

    private sealed class CollectingSink : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }
}
