using System.Text.RegularExpressions;

namespace MailGate.Rules;

/// <summary>
/// One operator with its operands, e.g. <c>ends_with: ["@amazon.com", "@aws.com"]</c>: holds when any
/// operand holds. Operands are trimmed at load; values are trimmed (as spans) at match time; text
/// comparison is ordinal and ignores case.
/// </summary>
internal sealed class FieldOperator
{
    private readonly string[] operands;
    private readonly Regex[] regexes;

    public FieldOperator(OperatorKind kind, IReadOnlyList<string> operands, IReadOnlyList<Regex>? regexes = null)
    {
        Kind = kind;
        this.operands = new string[operands.Count];
        for (var i = 0; i < operands.Count; i++)
        {
            var operand = operands[i].Trim();
            if (kind == OperatorKind.Domain)
            {
                operand = operand.TrimStart('@').Trim('.');
            }

            this.operands[i] = operand;
        }

        this.regexes = regexes is null ? [] : [.. regexes];
    }

    public OperatorKind Kind { get; }

    public IReadOnlyList<string> Operands => operands;

    /// <summary>Whether any operand holds for <paramref name="value"/> (already trimmed).</summary>
    public bool Matches(ReadOnlySpan<char> value) => IndexOfMatch(value) >= 0;

    /// <summary>The index of the first operand that holds, or -1.</summary>
    public int IndexOfMatch(ReadOnlySpan<char> value)
    {
        if (Kind == OperatorKind.Regex)
        {
            for (var i = 0; i < regexes.Length; i++)
            {
                if (RegexFactory.IsMatch(regexes[i], value))
                {
                    return i;
                }
            }

            return -1;
        }

        for (var i = 0; i < operands.Length; i++)
        {
            if (Holds(Kind, value, operands[i]))
            {
                return i;
            }
        }

        return -1;
    }

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
