using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MailGate.Core.Deliver;

/// <summary>
/// Writes and reads <see cref="PagerDutyDetails"/> as one JSON object: the keys of <see cref="Layout"/> first,
/// in that order (facts and the decision's entries interleaved, as custom details have always been sent),
/// then any other fact in the order built (a field added to the registry later, a source's own object such as
/// <c>support_case</c>). Null entries are left out. Reading keeps every fact it does not know, in order, so an
/// event read back from the spool is written as it was built.
/// </summary>
internal sealed class PagerDutyDetailsConverter : JsonConverter<PagerDutyDetails>
{
    private const string TrustedKey = "trusted";
    private const string RuleKey = "rule";
    private const string RulesVersionKey = "rules_version";
    private const string ExtractedKey = "extracted";
    private const string ReplyByKey = "reply_by";
    private const string ReplyByBasisKey = "reply_by_basis";

    /// <summary>The order of the entries custom details had before the field registry (byte-for-byte the same events).</summary>
    private static readonly string[] Layout =
    [
        "sender", "from", "envelope_from", "recipients", "subject", "message_id", "list_id", "account", "account_id", "account_ids", "account_owner", "authentication",
        TrustedKey, "spool_id", RuleKey, RulesVersionKey, ExtractedKey, "received_at", ReplyByKey, ReplyByBasisKey, "body", "body_truncated",
    ];

    private static readonly HashSet<string> InLayout = new(Layout, StringComparer.Ordinal);

    public override PagerDutyDetails Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("custom_details: expected an object");
        }

        var details = new PagerDutyDetails();
        var facts = new JsonObject();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            details = key switch
            {
                TrustedKey => details with { Trusted = reader.GetBoolean() },
                RuleKey => details with { Rule = reader.GetString() ?? "" },
                RulesVersionKey => details with { RulesVersion = reader.GetString() ?? "" },
                ExtractedKey => details with { Extracted = ReadStrings(ref reader) },
                ReplyByKey => details with { ReplyBy = reader.GetString() },
                ReplyByBasisKey => details with { ReplyByBasis = reader.GetString() },
                _ => details,
            };
            if (!IsDecisionKey(key))
            {
                facts[key] = JsonNode.Parse(ref reader);
            }
        }

        return details with { Facts = facts };
    }

    public override void Write(Utf8JsonWriter writer, PagerDutyDetails value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var key in Layout)
        {
            if (IsDecisionKey(key))
            {
                WriteDecision(writer, key, value);
            }
            else
            {
                WriteFact(writer, key, value.Facts[key], options);
            }
        }

        foreach (var (key, node) in value.Facts)
        {
            if (!InLayout.Contains(key))
            {
                WriteFact(writer, key, node, options);
            }
        }

        writer.WriteEndObject();
    }

    private static bool IsDecisionKey(string key) =>
        key is TrustedKey or RuleKey or RulesVersionKey or ExtractedKey or ReplyByKey or ReplyByBasisKey;

    private static void WriteDecision(Utf8JsonWriter writer, string key, PagerDutyDetails value)
    {
        switch (key)
        {
            case TrustedKey:
                writer.WriteBoolean(key, value.Trusted);
                break;
            case RuleKey:
                writer.WriteString(key, value.Rule);
                break;
            case RulesVersionKey:
                writer.WriteString(key, value.RulesVersion);
                break;
            case ExtractedKey:
                writer.WriteStartObject(key);
                foreach (var (name, extracted) in value.Extracted)
                {
                    writer.WriteString(name, extracted);
                }

                writer.WriteEndObject();
                break;
            case ReplyByKey when value.ReplyBy is not null:
                writer.WriteString(key, value.ReplyBy);
                break;
            case ReplyByBasisKey when value.ReplyByBasis is not null:
                writer.WriteString(key, value.ReplyByBasis);
                break;
            default:
                break;
        }
    }

    private static void WriteFact(Utf8JsonWriter writer, string key, JsonNode? node, JsonSerializerOptions options)
    {
        if (node is not null)
        {
            writer.WritePropertyName(key);
            node.WriteTo(writer, options);
        }
    }

    private static Dictionary<string, string> ReadStrings(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("custom_details.extracted: expected an object of strings");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            result[name] = reader.GetString() ?? "";
        }

        return result;
    }
}
