using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Net;
using MailGate.Deliver;
using MailGate.Hosting;
using MailGate.Parse.Authentication;
using Microsoft.Extensions.Configuration;
using MailGate.Parse;
using MailGate.Rules;
using MailGate.Storage;

namespace MailGate.Cli;

/// <summary>
/// <c>mailgate rules test MESSAGE.eml|CASE.json [--rules PATH] [--rcpt ADDRESS]… [--mail-from ADDRESS] [--json]</c>:
/// answers "would this email (or AWS Support case) have paged?" offline. Parses the message exactly as the
/// gateway does (a <c>.json</c> file is read as support cases, as <c>DescribeCases</c> returns them), prints
/// the facts rules see, every rule's verdict with the reason, and the exact PagerDuty event that would be
/// sent (routing key masked). Exit 0 when it ran (whatever the verdict), 1 when the input or rules are bad.
/// </summary>
internal static class RulesTestCommand
{
    private const int BodyPreview = 300;

    /// <summary>How much of any other fact is shown (a subject can be 190 KB long).</summary>
    private const int FactPreview = 1024;

    private static readonly JsonSerializerOptions Pretty =
        new(PagerDutyJsonContext.Default.Options) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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
            ParserOptions(result.UnmatchedTokens),
            result.GetValue(verify) ? Verifier(result.UnmatchedTokens) : null,
            result.InvocationConfiguration.Output,
            cancellationToken));
        return test;
    }

    public static async Task<int> RunAsync(FileInfo message, string rulesPath, string[] recipients, string? mailFrom, bool json, MessageParserOptions parserOptions, MailAuthenticator? verifier, TextWriter output, CancellationToken cancellationToken)
    {
        output = new SafeTextWriter(output); // the message's text is anyone's: no terminal escapes, no bidi tricks
        if (parserOptions.FallbackCharsets.FirstOrDefault(charset => !Charsets.IsKnown(charset)) is { } unknown)
        {
            output.WriteLine($"{ParseOptions.Section}:FallbackCharsets: '{unknown}' is not a charset .NET knows");
            return ExitCodes.Failure;
        }

        if (parserOptions.MaxHeaderBytes is < 1024 or > Receive.SmtpOptionsValidator.MaxHeaderSizeCeiling)
        {
            output.WriteLine($"{Receive.SmtpOptions.Section}:MaxHeaderSize must be between 1024 and {Receive.SmtpOptionsValidator.MaxHeaderSizeCeiling} bytes (is {parserOptions.MaxHeaderBytes})");
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
            if (isJson)
            {
                using var stream = message.OpenRead();
                inputs = [.. SupportCaseReader.ReadAll("(test)", envelope, stream)];
            }
            else
            {
                using var stream = message.OpenRead();
                var facts = await new MessageParser(parserOptions, verifier).ParseAsync("(test)", envelope, stream, cancellationToken).ConfigureAwait(false);
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

        var results = new JsonArray();
        for (var i = 0; i < inputs.Length; i++)
        {
            var facts = AccountResolver.Resolve(inputs[i], rules.Accounts);
            var decision = RuleEvaluator.Evaluate(rules, facts, explain: true);
            var events = decision.Matches
                .Select(match => PagerDutyEventBuilder.Build(facts, match, rules.Version) with { RoutingKey = Masked(rules.Routes[match.Route].PagerDuty) })
                .ToArray();
            if (json)
            {
                results.Add(Json(message, rules, facts, decision, events));
            }
            else
            {
                if (i > 0)
                {
                    output.WriteLine();
                    output.WriteLine(new string('-', 72));
                }

                WriteText(output, message, rules, facts, decision, events, assumedRecipients);
            }
        }

        if (json)
        {
            // One document: the object itself for one input (an email), an array for a list of cases.
            output.WriteLine((!isJson ? results[0]!.DeepClone() : results).ToJsonString(Pretty));
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

    private static void WriteText(TextWriter output, FileInfo message, RuleSet rules, MessageFacts facts, Decision decision, PagerDutyEvent[] events, bool assumedRecipients)
    {
        if (facts.Case is { } supportCase)
        {
            WriteCaseFacts(output, message, facts, supportCase);
        }
        else
        {
            WriteMailFacts(output, message, facts, assumedRecipients);
        }

        output.WriteLine();
        output.WriteLine($"Rules {rules.Source} (version {rules.Version})");
        foreach (var trace in decision.Trace)
        {
            var mark = trace.Matched ? "MATCH" : trace.Failed ? "ERROR" : trace.Reason.StartsWith("not reached", StringComparison.Ordinal) ? "  -  " : " no  ";
            output.WriteLine($"  [{mark}] {trace.Rule}: {trace.Reason}");
        }

        output.WriteLine();
        foreach (var rule in decision.DroppedUntrusted)
        {
            output.WriteLine($"Rule '{rule}' matched, but the message is not trusted and the trust policy drops it (logged and counted, no page)");
        }

        foreach (var error in decision.Errors)
        {
            output.WriteLine($"Rule '{error.Rule}' could not be evaluated ({error.Reason}): {error.Detail} (the gateway logs this at Error and counts it)");
        }

        if (decision.Undecided)
        {
            output.WriteLine("Decision: ERROR: nothing pages, but a page rule could not be evaluated; the gateway dead-letters the message (retry: mailgate spool retry)");
            return;
        }

        if (decision.Matches.Count == 0)
        {
            output.WriteLine(decision.DroppedBy is null ? "Decision: DROP (no rule matched)" : $"Decision: DROP by rule '{decision.DroppedBy}'");
            return;
        }

        foreach (var (match, sent) in decision.Matches.Zip(events))
        {
            output.WriteLine($"Decision: PAGE route '{match.Route}' by rule '{match.Rule}', severity {match.Severity}{(match.Trusted ? "" : ", UNVERIFIED sender")}, dedup key {match.DedupKey}");
            if (match.ReplyBy is { } replyBy)
            {
                output.WriteLine($"Reply by: {replyBy.By}  ({replyBy.Basis})");
            }

            output.WriteLine("PagerDuty event (routing key masked):");
            output.WriteLine(JsonSerializer.Serialize(sent, Pretty));
        }
    }

    private static void WriteCaseFacts(TextWriter output, FileInfo file, MessageFacts facts, SupportCaseFacts supportCase)
    {
        output.WriteLine($"Support case {supportCase.CaseId} from {file.FullName}");
        output.WriteLine();
        output.WriteLine("Facts (what rules see)");
        Fact(output, "source", facts.Source);
        Fact(output, "case_id", supportCase.CaseId);
        Fact(output, "display_id", supportCase.DisplayId);
        Fact(output, "subject", facts.Subject);
        Fact(output, "category", supportCase.Category);
        Fact(output, "service", supportCase.Service);
        Fact(output, "severity", supportCase.Severity);
        Fact(output, "status", supportCase.Status);
        Fact(output, "submitted_by", supportCase.SubmittedBy, "(also the sender)");
        Fact(output, "language", supportCase.Language);
        Fact(output, "time_created", supportCase.TimeCreated);
        Fact(output, "account", facts.Account, facts.AccountId.Length > 0 && facts.AccountName.Length == 0 ? "(from the case id; the poller adds the name from AWS Organizations)" : null);
        var body = facts.Body.ReplaceLineEndings(" ");
        Fact(output, "body", body.Length > BodyPreview ? body[..BodyPreview] + "…" : body, $"({facts.Body.Length} chars, the first communication)");
    }

    private static void WriteMailFacts(TextWriter output, FileInfo message, MessageFacts facts, bool assumedRecipients)
    {
        output.WriteLine($"Message {message.FullName}");
        output.WriteLine();
        output.WriteLine("Facts (what rules see)");
        Fact(output, "sender", facts.Sender, facts.Sender != facts.From ? "(the author, behind the group's From: rewriting)" : null);
        Fact(output, "from", facts.From);
        Fact(output, "envelope_from", facts.EnvelopeFrom, facts.EnvelopeFrom.Length == 0 ? "(give --mail-from to set it)" : null);
        Fact(output, "recipient", string.Join(", ", facts.Recipients), assumedRecipients ? "(assumed from To/Cc; give --rcpt with the gateway's address)" : null);
        Fact(output, "to", string.Join(", ", facts.To));
        Fact(output, "cc", string.Join(", ", facts.Cc));
        Fact(output, "subject", facts.Subject);
        Fact(output, "list_id", facts.ListId);
        Fact(output, "message_id", facts.MessageId);
        Fact(output, "date", facts.Date?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "");
        Fact(output, "account", facts.Account, facts.AccountOwner.Length > 0 ? $"(owner {facts.AccountOwner})" : null);
        Fact(output, "authenticated", facts.Authentication.ToString(), ReferenceEquals(facts.Authentication, AuthenticationFacts.NotChecked) ? "(not checked: offline; --verify looks the keys up in DNS)" : null);
        var body = facts.Body.ReplaceLineEndings(" ");
        Fact(output, "body", body.Length > BodyPreview ? body[..BodyPreview] + "…" : body, $"({facts.Body.Length} chars)");
    }

    private static void Fact(TextWriter output, string name, string value, string? note = null) =>
        output.WriteLine($"  {name,-14} {(value.Length == 0 ? "(none)" : UntrustedText.ForDisplay(value, FactPreview))}{(note is null ? "" : "  " + note)}");

    private static JsonObject Json(FileInfo message, RuleSet rules, MessageFacts facts, Decision decision, PagerDutyEvent[] events) => new()
    {
        ["message"] = message.FullName,
        ["facts"] = new JsonObject
        {
            ["sender"] = facts.Sender,
            ["from"] = facts.From,
            ["envelope_from"] = facts.EnvelopeFrom,
            ["recipients"] = new JsonArray([.. facts.Recipients.Select(r => (JsonNode?)r)]),
            ["to"] = new JsonArray([.. facts.To.Select(r => (JsonNode?)r)]),
            ["cc"] = new JsonArray([.. facts.Cc.Select(r => (JsonNode?)r)]),
            ["subject"] = facts.Subject,
            ["list_id"] = facts.ListId,
            ["message_id"] = facts.MessageId,
            ["date"] = facts.Date?.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
            ["account_id"] = facts.AccountId,
            ["account_ids"] = new JsonArray([.. facts.AccountIds.Select(id => (JsonNode?)id)]),
            ["account_name"] = facts.AccountName,
            ["account_owner"] = facts.AccountOwner,
            ["authentication"] = facts.Authentication.ToString(),
            ["body"] = facts.Body,
            ["source"] = facts.Source,
            ["case"] = facts.Case is not { } c ? null : new JsonObject
            {
                ["case_id"] = c.CaseId,
                ["display_id"] = c.DisplayId,
                ["category"] = c.Category,
                ["service"] = c.Service,
                ["severity"] = c.Severity,
                ["status"] = c.Status,
                ["submitted_by"] = c.SubmittedBy,
                ["language"] = c.Language,
                ["time_created"] = c.TimeCreated,
            },
        },
        ["rules_source"] = rules.Source,
        ["rules_version"] = rules.Version,
        ["rules"] = new JsonArray([.. decision.Trace.Select(t => (JsonNode?)new JsonObject { ["rule"] = t.Rule, ["matched"] = t.Matched, ["reason"] = t.Reason })]),
        ["decision"] = decision.Matches.Count > 0 ? "page" : decision.Undecided ? "error" : "drop",
        ["errors"] = new JsonArray([.. decision.Errors.Select(e => (JsonNode?)new JsonObject { ["rule"] = e.Rule, ["reason"] = e.Reason, ["detail"] = e.Detail, ["page_rule"] = e.PageRule })]),
        ["dedup_keys"] = new JsonArray([.. decision.Matches.Select(m => (JsonNode?)m.DedupKey)]),
        ["dropped_by"] = decision.DroppedBy,
        ["dropped_untrusted"] = new JsonArray([.. decision.DroppedUntrusted.Select(r => (JsonNode?)r)]),
        ["events"] = new JsonArray([.. events.Select(e => JsonSerializer.SerializeToNode(e, PagerDutyJsonContext.Default.PagerDutyEvent))]),
    };

    /// <summary>
    /// Parses as the gateway would with the same configuration: <c>Parse:FallbackCharsets</c>, and
    /// <c>Smtp:MaxHeaderSize</c>, which is also the parser's header limit in the gateway (a message the
    /// gateway accepts and pages for must not be refused here).
    /// </summary>
    private static MessageParserOptions ParserOptions(IEnumerable<string> configurationArgs)
    {
        var configuration = MailGateConfiguration.Build([.. configurationArgs]);
        var parse = configuration.GetSection(ParseOptions.Section).Get<ParseOptions>() ?? new ParseOptions();
        var smtp = configuration.GetSection(Receive.SmtpOptions.Section).Get<Receive.SmtpOptions>() ?? new Receive.SmtpOptions();
        return parse.ToParserOptions() with { MaxHeaderBytes = smtp.MaxHeaderSize };
    }

    private static MailAuthenticator Verifier(IEnumerable<string> configurationArgs)
    {
        var trust = MailGateConfiguration.Build([.. configurationArgs]).GetSection(TrustOptions.Section).Get<TrustOptions>() ?? new TrustOptions();
        var servers = trust.DnsServers.Select(IPEndPoint.Parse).Select(e => e.Port == 0 ? new IPEndPoint(e.Address, 53) : e).ToArray();
        return new MailAuthenticator(new DnsDkimPublicKeyLocator(new DnsDkimPublicKeyLocatorOptions { NameServers = servers }));
    }

    /// <summary>Enough of the key to tell keys apart, never enough to use: <c>R012…(32 chars)</c>.</summary>
    private static string Masked(PagerDutyTarget target) =>
        target.RoutingKey is { } key
            ? $"{key[..Math.Min(4, key.Length / 4)]}…({key.Length} chars, masked)"
            : $"(not set: ${{{target.MissingVariable}}}; the gateway would run this route dry)";
}
