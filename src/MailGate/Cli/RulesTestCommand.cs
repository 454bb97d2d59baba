using MailGate.Core.Messages;
using MailGate.Core.Decide;
using MailGate.Core.Deliver;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Storage;
using System.CommandLine;
using System.Text.Json.Nodes;
using MailGate.Deliver;
using MailGate.Parse;
using MailGate.Process;
using MailGate.Rules;

namespace MailGate.Cli;

/// <summary>
/// <c>mailgate rules test MESSAGE.eml|CASE.json [--rules PATH] [--rcpt ADDRESS]… [--mail-from ADDRESS] [--json] [--verify]</c>:
/// answers "would this email (or AWS Support case) have paged?" offline. Parses the message with the
/// gateway's parser (a <c>.json</c> file is read as support cases, as <c>DescribeCases</c> returns them),
/// decides it with the gateway's <see cref="MessageDecider"/> — as a gateway that has sent no untrusted page
/// this hour — and prints the facts rules see, every rule's verdict with the reason, and the exact PagerDuty
/// event that would be sent (routing key masked). Exit 0 when it ran (whatever the verdict), 1 when the
/// input or rules are bad.
/// </summary>
internal static class RulesTestCommand
{
    public static Command Create(Option<FileInfo?> rulesOption)
    {
        var message = new Argument<FileInfo>("message")
        {
            Description = "A saved email (.eml, as received), or AWS Support cases (.json: a DescribeCases response, an array of cases or one case).",
        };
        var recipients = new Option<string[]>("--rcpt")
        {
            Description = "The envelope recipient(s) the gateway would receive it for (default: the To and Cc addresses).",
            AllowMultipleArgumentsPerToken = true,
        };
        var mailFrom = new Option<string?>("--mail-from") { Description = "The envelope sender (MAIL FROM)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of text." };
        var verify = new Option<bool>("--verify") { Description = "Also verify ARC and DKIM, looking keys up in DNS (Trust:DnsServers, else the system's resolvers). Without it nothing leaves the machine." };
        var test = new Command("test", "Would this email (or support case) have paged? Show the facts, each rule's verdict and why, and the PagerDuty event.")
        {
            message, rulesOption, recipients, mailFrom, json, verify,
        };
        test.TreatUnmatchedTokensAsErrors = false;
        test.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(message)!,
            RulesFileArgument.Resolve(result.GetValue(rulesOption), result.UnmatchedTokens),
            result.GetValue(recipients) ?? [],
            result.GetValue(mailFrom),
            result.GetValue(json),
            RulesTestSettings.FromConfiguration(result.UnmatchedTokens),
            result.GetValue(verify),
            result.InvocationConfiguration.Output,
            cancellationToken));
        return test;
    }

    public static async Task<int> RunAsync(FileInfo message, string rulesPath, string[] recipients, string? mailFrom, bool json, RulesTestSettings settings, bool verify, TextWriter output, CancellationToken cancellationToken)
    {
        output = new SafeTextWriter(output); // the message's text is anyone's: no terminal escapes, no bidi tricks
        if (settings.Problem() is { } problem)
        {
            output.WriteLine(problem);
            return ExitCodes.Failure;
        }

        RuleSet rules;
        MessageFacts[] inputs;
        var assumedRecipients = false;
        var isJson = false;
        try
        {
            isJson = IsJson(message);
            rules = RulesLoader.Load(rulesPath, new RulesLoadOptions { AllowMissingRoutingKeys = true });
            var envelope = Envelope.ForMail(mailFrom ?? "", recipients, new DateTimeOffset(message.LastWriteTimeUtc));
            using var stream = message.OpenRead();
            if (isJson)
            {
                // A Health event (EventBridge, or DescribeEventDetailsForOrganization's shape) or a support case.
                inputs = IsHealthEvent(message)
                    ? [.. HealthEventReader.ReadAll("(test)", Envelope.ForHealthEvent(new HealthEventOrigin("test"), envelope.ReceivedAt), stream)]
                    : [.. SupportCaseReader.ReadAll("(test)", envelope, stream)];
            }
            else
            {
                var facts = await settings.Parser(verify).ParseAsync("(test)", envelope, stream, cancellationToken).ConfigureAwait(false);
                assumedRecipients = recipients.Length == 0;
                inputs = [assumedRecipients ? facts with { Recipients = [.. facts.To, .. facts.Cc] } : facts];
            }
        }
        catch (RulesException e)
        {
            output.WriteLine(e.Message);
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is MessageParseException or IOException or UnauthorizedAccessException)
        {
            output.WriteLine($"{message.FullName}: {e.Message}");
            return ExitCodes.Failure;
        }

        var limiter = new UntrustedLimiter(TimeProvider.System); // a gateway that has sent no untrusted page this hour
        var results = new JsonArray();
        for (var i = 0; i < inputs.Length; i++)
        {
            var decision = MessageDecider.Decide(new DecisionInput { Facts = inputs[i], Rules = rules, DecidedAt = new DateTimeOffset(message.LastWriteTimeUtc), Explain = true }, limiter);
            var events = decision.Pages
                .Select(page => page.Event with { RoutingKey = Masked(rules.Routes[page.Match.Route].PagerDuty) })
                .ToArray();
            if (json)
            {
                results.Add((JsonNode)RulesTestJson.Decision(message, rules, decision, events));
                continue;
            }

            if (i > 0)
            {
                output.WriteLine();
                output.WriteLine(new string('-', 72));
            }

            RulesTestText.Write(output, message, rules, decision, events, assumedRecipients);
        }

        if (json)
        {
            // One document: the object itself for one input (an email), an array for a list of cases.
            output.WriteLine((!isJson ? results[0]!.DeepClone() : results).ToJsonString(RulesTestText.Pretty));
        }

        return ExitCodes.Ok;
    }

    /// <summary>A support-case file: named <c>.json</c>, or starting (after white space) with <c>{</c> or <c>[</c>.</summary>
    private static bool IsJson(FileInfo file)
    {
        if (file.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        using var stream = file.OpenRead();
        int b;
        while ((b = stream.ReadByte()) is ' ' or '\t' or '\r' or '\n')
        {
        }

        return b is '{' or '[';
    }

    /// <summary>Enough of the key to tell keys apart, never enough to use: <c>R012…(32 chars)</c>.</summary>
    private static string Masked(PagerDutyTarget target) =>
        target.RoutingKey is { } key
            ? $"{key[..Math.Min(4, key.Length / 4)]}…({key.Length} chars, masked)"
            : $"(not set: ${{{target.MissingVariable}}}; the gateway would run this route dry)";

    /// <summary>Whether the JSON file is an AWS Health event: an EventBridge event (<c>detail</c>), a details response (<c>successfulSet</c>) or entry (<c>event</c>), or an array of them.</summary>
    private static bool IsHealthEvent(FileInfo message)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(message.FullName));
            var root = document.RootElement;
            if (root.ValueKind == System.Text.Json.JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                root = root[0];
            }

            return root.ValueKind == System.Text.Json.JsonValueKind.Object
                && (root.TryGetProperty("detail", out _) || root.TryGetProperty("successfulSet", out _) || root.TryGetProperty("event", out _));
        }
        catch (System.Text.Json.JsonException)
        {
            return false; // the support-case reader reports it
        }
    }
}
