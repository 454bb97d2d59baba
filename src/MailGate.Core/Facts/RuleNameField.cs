using MailGate.Core.Parse;
using System.Text.Json.Nodes;

namespace MailGate.Core.Facts;

/// <summary>The placeholder <c>{rule}</c>: the name of the rule whose template is written. Not a fact of the message, so no source reads it.</summary>
public sealed class RuleNameField : Field
{
    /// <param name="name">The placeholder's name.</param>
    /// <param name="doc">One line for people.</param>
    public RuleNameField(string name, string doc)
        : base(name, FieldKind.Text, doc, FieldUses.Template, [])
    {
    }

    internal override string TemplateText(MessageFacts facts, string rule) => rule;

    internal override string ShownText(MessageFacts facts) => "";

    internal override JsonNode? ShownJson(MessageFacts facts) => null;
}
