using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using BenchmarkDotNet.Attributes;

namespace MailGate.Benchmarks;

/// <summary>
/// Parse + normalise of typical AWS notices: <see cref="MessageParser.Parse(string, Envelope, Stream, CancellationToken)"/>
/// from memory, the same followed by <see cref="AccountResolver.Resolve"/>, Resolve alone, and the gateway's own path,
/// <see cref="MessageParser.Parse(SpooledMessage, CancellationToken)"/>, which opens the spool file on disk.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private readonly MessageParser _parser = new();
    private byte[] _bytes = [];
    private Envelope _envelope = null!;
    private AccountMap _accounts = null!;
    private SpooledMessage _spooled = null!;
    private MessageFacts _parsed = null!;

    /// <summary>The fixture in <c>tests/Fixtures/mail</c>.</summary>
    [Params(
        "abuse-report-via-google-group.eml",
        "abuse-report-via-two-nested-groups.eml",
        "html-only-body.eml",
        "multipart-with-attachments.eml",
        "subject-iso-2022-jp.eml")]
    public string Fixture { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _bytes = Fixtures.Mail(Fixture);
        _envelope = Fixtures.EnvelopeTo(Fixtures.AbuseRecipient);
        _accounts = RulesLoader.Parse(GeneratedRules.Yaml(1), "generated.yaml", Fixtures.LoadOptions).Accounts;

        var directory = Directory.CreateTempSubdirectory("mailgate-bench-").FullName;
        _spooled = new SpooledMessage("bench", directory, _envelope);
        File.WriteAllBytes(_spooled.MessagePath, _bytes);
        _parsed = FromMemory();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_spooled.Directory, recursive: true);

    /// <summary>MimeKit load and facts, from a MemoryStream over the message's bytes.</summary>
    [Benchmark(Baseline = true)]
    public MessageFacts FromMemory()
    {
        using var stream = new MemoryStream(_bytes, writable: false);
        return _parser.Parse("bench", _envelope, stream);
    }

    /// <summary>As <see cref="FromMemory"/>, then the AWS account from the text or the accounts map.</summary>
    [Benchmark]
    public MessageFacts FromMemoryAndResolve()
    {
        using var stream = new MemoryStream(_bytes, writable: false);
        return AccountResolver.Resolve(_parser.Parse("bench", _envelope, stream), _accounts);
    }

    /// <summary><see cref="AccountResolver.Resolve"/> alone, on facts parsed beforehand.</summary>
    [Benchmark]
    public MessageFacts ResolveOnly() => AccountResolver.Resolve(_parsed, _accounts);

    /// <summary>As the gateway parses: from the spool file, opened as <see cref="SpoolStore.OpenContent"/> opens it (the OS cache is warm).</summary>
    [Benchmark]
    public MessageFacts FromSpoolFile()
    {
        using var content = new FileStream(_spooled.MessagePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        return _parser.Parse(_spooled.Id, _spooled.Envelope, content);
    }
}
