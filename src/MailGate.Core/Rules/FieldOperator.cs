using System.Text.RegularExpressions;

namespace MailGate.Core.Rules;

/// <summary>
/// One operator with its operands, e.g. <c>ends_with: ["@amazon.com", "@aws.com"]</c>: holds when any
/// operand holds. Text operands are whitespace-normalised at load (<see cref="RuleText"/>), like the
/// values they are compared with, and compared ordinally, ignoring case. Regex operands are patterns:
/// they are kept as written and run on the normalised value.
/// </summary>
internal sealed class FieldOperator
{
    private readonly string[] _operands;
    private readonly Regex[] _regexes;

    public FieldOperator(OperatorKind kind, IReadOnlyList<string> operands, IReadOnlyList<Regex>? regexes = null)
    {
        Kind = kind;
        _operands = new string[operands.Count];
        for (var i = 0; i < operands.Count; i++)
        {
            var operand = kind == OperatorKind.Regex ? operands[i] : RuleText.Normalize(operands[i]);
            if (kind == OperatorKind.Domain)
            {
                operand = operand.TrimStart('@').Trim('.');
            }

            _operands[i] = operand;
        }

        _regexes = regexes is null ? [] : [.. regexes];
    }

    public OperatorKind Kind { get; }

    public IReadOnlyList<string> Operands => _operands;

    /// <summary>The compiled regexes of a regex operator (shared with every other use of the same pattern in the file); empty otherwise.</summary>
    internal IReadOnlyList<Regex> Regexes => _regexes;

    /// <summary>
    /// Whether any operand holds for <paramref name="value"/> (already normalised): True with
    /// <paramref name="index"/> the first operand that holds; False; or Unknown when no operand held and a
    /// regex timed out, <paramref name="index"/> then being the first that did.
    /// </summary>
    public Truth Evaluate(ReadOnlySpan<char> value, out int index)
    {
        if (Kind == OperatorKind.Regex)
        {
            var timedOut = -1;
            for (var i = 0; i < _regexes.Length; i++)
            {
                switch (RegexFactory.IsMatch(_regexes[i], value))
                {
                    case Truth.True:
                        index = i;
                        return Truth.True;
                    case Truth.Unknown when timedOut < 0:
                        timedOut = i;
                        break;
                }
            }

            index = timedOut;
            return timedOut < 0 ? Truth.False : Truth.Unknown;
        }

        for (var i = 0; i < _operands.Length; i++)
        {
            if (Holds(Kind, value, _operands[i]))
            {
                index = i;
                return Truth.True;
            }
        }

        index = -1;
        return Truth.False;
    }

    /// <summary>Why operand <paramref name="index"/> could not be decided, for errors and traces.</summary>
    public string TimedOut(int index) => RegexFactory.TimedOut(_regexes[index]);

    private static bool Holds(OperatorKind kind, ReadOnlySpan<char> value, string operand) => kind switch
    {
        OperatorKind.Equal => value.Equals(operand, StringComparison.OrdinalIgnoreCase),
        OperatorKind.Contains => value.Contains(operand, StringComparison.OrdinalIgnoreCase),
        OperatorKind.StartsWith => value.StartsWith(operand, StringComparison.OrdinalIgnoreCase),
        OperatorKind.EndsWith => value.EndsWith(operand, StringComparison.OrdinalIgnoreCase),
        OperatorKind.Domain => InDomain(value, operand),
        _ => false,
    };

    /// <summary>
    /// Whether the domain of <paramref name="address"/> (after its last '@'; the whole value when it has
    /// none) is <paramref name="domain"/> or a subdomain of it.
    /// </summary>
    private static bool InDomain(ReadOnlySpan<char> address, string domain)
    {
        var at = address.LastIndexOf('@');
        var host = (at >= 0 ? address[(at + 1)..] : address).TrimEnd('.');
        if (domain.Length == 0 || host.Length < domain.Length)
        {
            return false;
        }

        if (!host.EndsWith(domain, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return host.Length == domain.Length || host[host.Length - domain.Length - 1] == '.';
    }
}
