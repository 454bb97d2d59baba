using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using MailGate.Observability;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Docs;

/// <summary>
/// The metrics table of <c>docs/operations.md</c> is what <c>/metrics</c> exports: every instrument of
/// <see cref="MailGateMetrics"/> has a row (under its Prometheus name), every row and every
/// <c>mailgate_…</c> name the README and <c>docs/*.md</c> mention anywhere is an instrument, and the names
/// derived here are the ones the real scrape shows. (The circuit breaker's two metrics and the support
/// poller's four were missing from the README's table.)
/// </summary>
[TestFixture]
public sealed partial class OperationsMetricsTests : GatewayTestBase
{
    private const string Operations = "docs/operations.md";

    private static readonly string[] Header = ["metric", "labels", "meaning"];

    /// <summary>The first column of the one metrics table.</summary>
    private static string[] TableRows()
    {
        var tables = RepositoryDocs.Tables(RepositoryDocs.Read(Operations), Header);
        Assert.That(tables, Has.Count.EqualTo(1), $"{Operations} has one metrics table");
        return [.. tables[0].Select(row => FirstCell().Match(row[0])).Where(m => m.Success).Select(m => m.Groups["name"].Value)];
    }

    /// <summary>Every instrument the running gateway's <see cref="MailGateMetrics"/> created, by Prometheus name.</summary>
    private string[] Instruments()
    {
        var factory = Gateway.Services.GetRequiredService<IMeterFactory>();
        _ = Gateway.Services.GetRequiredService<MailGateMetrics>();
        var names = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == MailGateMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    names.Add(PrometheusName(instrument));
                }
            },
        };
        listener.Start(); // reports the instruments that exist already
        return [.. names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// OpenTelemetry's Prometheus name: dots to underscores, the unit as a suffix (<c>s</c> seconds,
    /// <c>By</c> bytes; <c>{…}</c> annotations none), counters ending in <c>_total</c>.
    /// </summary>
    private static string PrometheusName(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_');
        var unit = instrument.Unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            null or "" or "1" => null,
            var annotation when annotation.StartsWith('{') => null,
            var other => other,
        };
        if (unit is not null && !name.EndsWith("_" + unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }

        var counter = instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() is var definition
            && (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>));
        return counter ? name + "_total" : name;
    }

    [Test]
    public void MetricsTable_ListsEveryInstrument_AndNothingElse()
    {
        var instruments = Instruments();
        var rows = TableRows();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(instruments, Has.Length.GreaterThan(20), "the instruments were found at all");
            Assert.That(instruments.Except(rows), Is.Empty, $"instruments the metrics table of {Operations} does not list");
            Assert.That(rows.Except(instruments), Is.Empty, $"rows of the metrics table of {Operations} that no instrument exports");
        }
    }

    [Test]
    public void Docs_EveryMetricTheyNameAnywhere_IsExported()
    {
        var instruments = Instruments();
        var mentioned = RepositoryDocs.Files
            .SelectMany(file => MetricMention().Matches(RepositoryDocs.Read(file)).Select(m => (File: file, Name: m.Value)))
            .Distinct()
            .ToArray();

        Assert.That(mentioned, Has.Length.GreaterThan(20), "the docs' metrics were found at all");
        Assert.That(
            mentioned.Where(m => !instruments.Contains(m.Name) && !instruments.Any(i => m.Name.StartsWith(i + "_", StringComparison.Ordinal) && m.Name[(i.Length + 1)..] is "bucket" or "count" or "sum"))
                .Select(m => $"{m.File}: {m.Name}"),
            Is.Empty);
    }

    /// <summary>The names derived above are the exporter's: each mailgate_ family in a real scrape (after a page) is one of them.</summary>
    [Test]
    public async Task Scrape_EveryFamily_IsANameDerivedFromAnInstrument()
    {
        var id = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await Gateway.WaitFinishedAsync(id);
        using var http = new HttpClient { BaseAddress = Gateway.HttpUrl };

        var scrape = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var families = ScrapedFamily().Matches(scrape).Select(m => m.Groups["name"].Value).ToArray();

        Assert.That(families, Has.Length.GreaterThan(10));
        Assert.That(families.Except(Instruments()), Is.Empty);
    }

    [GeneratedRegex(@"^`(?<name>mailgate_[a-z0-9_]+)`")]
    private static partial Regex FirstCell();

    [GeneratedRegex(@"\bmailgate_[a-z0-9_]*[a-z0-9]")]
    private static partial Regex MetricMention();

    [GeneratedRegex(@"^# TYPE (?<name>mailgate_\S+) ", RegexOptions.Multiline)]
    private static partial Regex ScrapedFamily();
}
