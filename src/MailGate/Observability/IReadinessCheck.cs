namespace MailGate.Observability;

/// <summary>A part of the gateway that can make it not ready (<c>/readyz</c> answers 503 while it reports a problem).</summary>
public interface IReadinessCheck
{
    /// <summary>What is wrong now, one line each (e.g. <c>spool: …</c>); empty when nothing is.</summary>
    IReadOnlyList<string> Problems();
}
