using MailGate.Core.Parse;
using System.Text;
using MailGate.Parse;

namespace MailGate.Cli;

/// <summary>
/// A writer for the CLI's output of message text (<c>rules test</c>, <c>spool list</c>, <c>spool show</c>):
/// every character <see cref="UntrustedText"/> calls unsafe is written as a visible <c>\uXXXX</c>, except
/// the line breaks of <see cref="TextWriter.NewLine"/>, so a subject or header cannot clear or recolour the
/// terminal, reorder what follows, or forge lines. JSON written through it stays valid JSON with the same
/// values (the escape is JSON's own, and the characters escaped only occur inside JSON strings).
/// </summary>
internal sealed class SafeTextWriter(TextWriter inner) : TextWriter(inner.FormatProvider)
{
    private readonly string _keep = Environment.NewLine;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (UntrustedText.IsUnsafe(value) && !_keep.Contains(value, StringComparison.Ordinal))
        {
            inner.Write(UntrustedText.Escape(value.ToString()));
        }
        else
        {
            inner.Write(value);
        }
    }

    public override void Write(string? value) => inner.Write(value is null ? null : UntrustedText.Escape(value, _keep));

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value)
    {
        Write(value);
        Write(CoreNewLine);
    }

    public override void Flush() => inner.Flush();
}
