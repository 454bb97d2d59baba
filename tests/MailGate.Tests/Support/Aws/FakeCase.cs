using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MailGate.Tests.Support.Aws;

/// <summary>
/// A support case in <see cref="FakeAws"/>. The defaults describe a realistic case AWS opens itself:
/// an exposed access key, category <c>security</c>, severity <c>urgent</c>. <see cref="FakeSupport.AddCase"/>
/// fills <see cref="CaseId"/>, <see cref="DisplayId"/> and <see cref="TimeCreated"/> when left out.
/// </summary>
public sealed record FakeCase
{
    /// <summary>The <c>timeCreated</c> format of the Support API: <c>2026-11-28T14:03:21.123Z</c>.</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public string? CaseId { get; init; }

    public string? DisplayId { get; init; }

    public string Subject { get; init; } = "Your AWS Access Key is Exposed";

    /// <summary>opened, pending-customer-action, reopened, resolved, unassigned, work-in-progress.</summary>
    public string Status { get; init; } = "opened";

    public string ServiceCode { get; init; } = "amazon-elastic-compute-cloud-linux";

    public string CategoryCode { get; init; } = "security";

    /// <summary>low, normal, high, urgent, critical.</summary>
    public string SeverityCode { get; init; } = "urgent";

    public string SubmittedBy { get; init; } = "no-reply-aws@amazon.com";

    public DateTimeOffset? TimeCreated { get; init; }

    public string Language { get; init; } = "en";

    public IReadOnlyList<string> CcEmailAddresses { get; init; } = [];

    /// <summary>The first communication's body (AWS's notice).</summary>
    public string Body { get; init; } =
        "Hello,\n\nWe have become aware that the AWS Access Key AKIAI44QH8DHBEXAMPLE, belonging to IAM User ci-deploy, " +
        "along with the corresponding Secret Key is publicly available online at " +
        "https://github.com/example-org/example-repo/blob/main/.env.\n\n" +
        "To protect your account from excessive charges, we may apply limited temporary restrictions to your account. " +
        "Please delete the exposed key and check your account for unwanted usage.\n\nSincerely,\nAmazon Web Services";

    /// <summary>
    /// The recent communications, newest first; <see langword="null"/>: one, from
    /// <see cref="SubmittedBy"/> at <see cref="TimeCreated"/> with <see cref="Body"/>.
    /// </summary>
    public IReadOnlyList<FakeCommunication>? Communications { get; init; }

    /// <summary>The case exactly as <c>DescribeCases</c> returns it (indented when asked).</summary>
    public string ToJson(bool includeCommunications = true, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            WriteTo(writer, includeCommunications);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The case as a JSON element, as <c>DescribeCases</c> returns it.</summary>
    public JsonElement ToJsonElement(bool includeCommunications = true)
    {
        using var json = JsonDocument.Parse(ToJson(includeCommunications));
        return json.RootElement.Clone();
    }

    internal void WriteTo(Utf8JsonWriter writer, bool includeCommunications)
    {
        var caseId = CaseId ?? throw new InvalidOperationException("The case has no id yet: add it to FakeAws, or set CaseId");
        var created = TimeCreated ?? throw new InvalidOperationException("The case has no TimeCreated yet: add it to FakeAws, or set it");
        writer.WriteStartObject();
        writer.WriteString("caseId", caseId);
        writer.WriteString("displayId", DisplayId);
        writer.WriteString("subject", Subject);
        writer.WriteString("status", Status);
        writer.WriteString("serviceCode", ServiceCode);
        writer.WriteString("categoryCode", CategoryCode);
        writer.WriteString("severityCode", SeverityCode);
        writer.WriteString("submittedBy", SubmittedBy);
        writer.WriteString("timeCreated", Format(created));
        if (includeCommunications)
        {
            writer.WriteStartObject("recentCommunications");
            writer.WriteStartArray("communications");
            foreach (var communication in Communications ?? [new FakeCommunication(Body, SubmittedBy, created)])
            {
                writer.WriteStartObject();
                writer.WriteString("caseId", caseId);
                writer.WriteString("body", communication.Body);
                writer.WriteString("submittedBy", communication.SubmittedBy);
                writer.WriteString("timeCreated", Format(communication.TimeCreated));
                writer.WriteStartArray("attachmentSet");
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNull("nextToken");
            writer.WriteEndObject();
        }

        writer.WriteStartArray("ccEmailAddresses");
        foreach (var address in CcEmailAddresses)
        {
            writer.WriteStringValue(address);
        }

        writer.WriteEndArray();
        writer.WriteString("language", Language);
        writer.WriteEndObject();
    }

    internal static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);
}

/// <summary>One communication of a <see cref="FakeCase"/>.</summary>
public sealed record FakeCommunication(string Body, string SubmittedBy, DateTimeOffset TimeCreated);
