using MailGate.Core.Parse;
using System.Globalization;
using System.Text;
using MailGate.Parse;
using Serilog.Core;
using Serilog.Events;

namespace MailGate.Hosting;

/// <summary>
/// Makes every logged value safe to write to a terminal or a log pipeline, whatever a sender put in it
/// (issue #11 §1): one Serilog enricher that rewrites every string property of every event, nested
/// values included, before any sink formats it, so the text and JSON formats, the rendered message
/// (<c>{Message}</c>, <c>@m</c>) and every sink configured under <c>Serilog:</c> see the same safe text.
/// </summary>
/// <remarks>
/// <para>
/// Each string is escaped by <see cref="UntrustedText.Escape"/> (control characters, bidirectional
/// overrides and isolates, line and paragraph separators become a visible <c>\uXXXX</c>, so a log line
/// stays one line and an operator sees that something was there) and bounded to
/// <see cref="MaxValueChars"/> characters, the rest replaced by <c>…(+N chars)</c>: a 190 KB subject
/// costs about 1 KiB per line. Two properties carry documents and get more room: <c>EventJson</c> (the
/// dry-run event, <see cref="MaxDocumentChars"/>) and <c>Errors</c> (a refused rules file's error list,
/// which keeps its line breaks).
/// </para>
/// <para>
/// Values that are not strings are left alone when they are numbers, booleans, times, ids or enums;
/// any other scalar (an object whose <c>ToString</c> could carry text) is logged as its sanitised text.
/// Exception texts are sanitised by <see cref="ExceptionSink"/>, which wraps the console sinks.
/// </para>
/// </remarks>
internal sealed class LogSanitiser : ILogEventEnricher
{
    /// <summary>The most characters of one logged value (before escaping).</summary>
    public const int MaxValueChars = 1024;

    /// <summary>The most characters of one logged document (<c>EventJson</c>, <c>Errors</c>) or exception text.</summary>
    public const int MaxDocumentChars = 64 * 1024;

    private static readonly Dictionary<string, (int Max, string Keep)> Documents = new(StringComparer.Ordinal)
    {
        ["EventJson"] = (MaxDocumentChars, ""),
        ["Errors"] = (MaxDocumentChars, "\n"),
    };

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            var (max, keep) = Documents.TryGetValue(name, out var document) ? document : (MaxValueChars, "");
            var safe = Sanitise(value, max, keep);
            if (!ReferenceEquals(safe, value))
            {
                (changed ??= []).Add(new LogEventProperty(name, safe));
            }
        }

        foreach (var property in changed ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <summary><paramref name="text"/> as a log may show it: escaped and bounded.</summary>
    public static string Safe(string text, int max = MaxValueChars, string keep = "") => UntrustedText.ForDisplay(text, max, keep);

    private static LogEventPropertyValue Sanitise(LogEventPropertyValue value, int max, string keep)
    {
        switch (value)
        {
            case ScalarValue { Value: string text }:
                var safe = Safe(text, max, keep);
                return ReferenceEquals(safe, text) ? value : new ScalarValue(safe);
            case ScalarValue { Value: null or bool or char or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal
                or DateTime or DateTimeOffset or TimeSpan or DateOnly or TimeOnly or Guid or Enum }:
                return value;
            case ScalarValue scalar:
                var rendered = Convert.ToString(scalar.Value, CultureInfo.InvariantCulture) ?? "";
                return new ScalarValue(Safe(rendered, max, keep));
            case SequenceValue sequence:
                var elements = sequence.Elements.Select(e => Sanitise(e, max, keep)).ToArray();
                return elements.SequenceEqual(sequence.Elements) ? value : new SequenceValue(elements);
            case StructureValue structure:
                var properties = structure.Properties.Select(p => new { p.Name, Value = Sanitise(p.Value, max, keep), Old = p.Value }).ToArray();
                return properties.All(p => ReferenceEquals(p.Value, p.Old))
                    ? value
                    : new StructureValue(properties.Select(p => new LogEventProperty(p.Name, p.Value)), structure.TypeTag is null ? null : Safe(structure.TypeTag));
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(kv => new KeyValuePair<ScalarValue, LogEventPropertyValue>(
                    (ScalarValue)Sanitise(kv.Key, max, keep), Sanitise(kv.Value, max, keep))).ToArray();
                return entries.Zip(dictionary.Elements).All(pair => ReferenceEquals(pair.First.Key, pair.Second.Key) && ReferenceEquals(pair.First.Value, pair.Second.Value))
                    ? value
                    : new DictionaryValue(entries);
            default:
                return value;
        }
    }

    /// <summary>
    /// Wraps a sink so that an event's exception is written as a sanitised text: its messages (which can
    /// quote input) escaped and bounded, its stack traces (code, not input) as they are.
    /// </summary>
    internal sealed class ExceptionSink(ILogEventSink inner) : ILogEventSink, IDisposable
    {
        public void Emit(LogEvent logEvent)
        {
            ArgumentNullException.ThrowIfNull(logEvent);
            if (logEvent.Exception is null or SanitisedException)
            {
                inner.Emit(logEvent);
                return;
            }

            inner.Emit(new LogEvent(
                logEvent.Timestamp,
                logEvent.Level,
                new SanitisedException(logEvent.Exception),
                logEvent.MessageTemplate,
                logEvent.Properties.Select(p => new LogEventProperty(p.Key, p.Value)),
                logEvent.TraceId ?? default,
                logEvent.SpanId ?? default));
        }

        public void Dispose() => (inner as IDisposable)?.Dispose();
    }

    /// <summary>An exception as <see cref="Exception.ToString"/> shows it, with every message escaped and bounded.</summary>
    internal sealed class SanitisedException(Exception original) : Exception(Safe(original.Message))
    {
        public override string? StackTrace => original.StackTrace;

        public override string ToString()
        {
            var text = new StringBuilder();
            Append(text, original, depth: 0);
            return Safe(text.ToString(), MaxDocumentChars, keep: "\n");
        }

        private static void Append(StringBuilder text, Exception exception, int depth)
        {
            text.Append(exception.GetType().FullName).Append(": ").Append(Safe(exception.Message));
            var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : exception.InnerException is { } one ? [one] : [];
            foreach (var innerException in inner.Take(depth < 8 ? 8 : 0))
            {
                text.Append(" ---> ");
                Append(text, innerException, depth + 1);
                text.Append("\n   --- End of inner exception stack trace ---");
            }

            if (exception.StackTrace is { } stackTrace)
            {
                text.Append('\n').Append(stackTrace.ReplaceLineEndings("\n"));
            }
        }
    }
}
