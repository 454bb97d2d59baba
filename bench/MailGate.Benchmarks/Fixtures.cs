
using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Spool;
using MailGate.Core.Storage;

namespace MailGate.Benchmarks;

/// <summary>The test fixtures and the shipped rules file, found beside the benchmark or in the repository.</summary>
internal static class Fixtures
{
    /// <summary>The address of the shipped abuse rule, as the gateway receives AWS abuse reports.</summary>
    public const string AbuseRecipient = "aws-abuse@mailgate.example.com";

    /// <summary>A routing key for <c>${...}</c> references; nothing is sent.</summary>
    public static RulesLoadOptions LoadOptions { get; } = new() { Environment = _ => "R0123456789abcdef0123456789abcde" };

    /// <summary>The shipped <c>rules/rules.yaml</c>.</summary>
    public static string ShippedRulesPath => Find(Path.Combine("Fixtures", "shipped-rules.yaml"), Path.Combine("rules", "rules.yaml"));

    /// <summary>The raw bytes of <c>tests/Fixtures/mail/<paramref name="name"/></c>.</summary>
    public static byte[] Mail(string name) =>
        File.ReadAllBytes(Find(Path.Combine("Fixtures", "mail", name), Path.Combine("tests", "Fixtures", "mail", name)));

    /// <summary>An envelope as Google Groups delivers to <paramref name="recipient"/>.</summary>
    public static Envelope EnvelopeTo(string recipient) =>
        Envelope.ForMail("aws-root-123456789012+bncBAABBQ7X5Y2AMGQE6UMQH3Q@example.com", [recipient], DateTimeOffset.UnixEpoch, "192.0.2.25", "bench");

    /// <summary>The facts of fixture <paramref name="name"/>, parsed and resolved as the gateway does for <paramref name="recipient"/>.</summary>
    public static MessageFacts Facts(string name, string recipient, AccountMap accounts)
    {
        using var stream = new MemoryStream(Mail(name), writable: false);
        return AccountResolver.Resolve(new MessageParser().Parse("bench", EnvelopeTo(recipient), stream), accounts);
    }

    /// <summary>
    /// <paramref name="copied"/> beside the assembly (the project copies fixtures to its output), else
    /// <paramref name="inRepository"/> under the first folder up from here that holds MailGate.sln.
    /// </summary>
    private static string Find(string copied, string inRepository)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, copied);
        if (File.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MailGate.sln")))
            {
                return Path.Combine(dir.FullName, inRepository);
            }
        }

        throw new FileNotFoundException($"neither {beside} nor {inRepository} in a folder above it with MailGate.sln");
    }
}
