namespace MailGate.Core.Facts;

/// <summary>
/// What kind of value a <see cref="Field"/> holds: the "kind" column of docs/rules.md's field table.
/// Text, address, url and verdict fields hold one string; address lists and lists hold several; a
/// time holds an instant or nothing.
/// </summary>
public enum FieldKind
{
    /// <summary>Free text (whitespace-normalised where rules read it).</summary>
    Text,

    /// <summary>One mail address, bare <c>local@domain</c>.</summary>
    Address,

    /// <summary>Several mail addresses; a condition holds when any one of them satisfies it.</summary>
    AddressList,

    /// <summary>Several values; a condition holds when any one of them satisfies it.</summary>
    List,

    /// <summary>An instant (ISO 8601 where it is written out), or nothing.</summary>
    Time,

    /// <summary>An http(s) address.</summary>
    Url,

    /// <summary>What could be verified about the message's origin; read by its own <c>authenticated</c> condition.</summary>
    Verdict,
}

/// <summary>The names of <see cref="FieldKind"/> values as docs/rules.md writes them.</summary>
public static class FieldKinds
{
    /// <summary><c>text</c>, <c>address</c>, <c>address list</c>, <c>list</c>, <c>time</c>, <c>url</c> or <c>verdict</c>.</summary>
    public static string Name(FieldKind kind) => kind switch
    {
        FieldKind.Text => "text",
        FieldKind.Address => "address",
        FieldKind.AddressList => "address list",
        FieldKind.List => "list",
        FieldKind.Time => "time",
        FieldKind.Url => "url",
        FieldKind.Verdict => "verdict",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
