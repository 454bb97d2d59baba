using MimeKit;
using MimeKit.Cryptography;

namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// Whether the key a DKIM-Signature, ARC-Message-Signature or ARC-Seal header names (<c>d=</c>, <c>s=</c>,
/// <c>q=</c>; RFC 6376 §3.5, RFC 8617 §4.1) is at hand, and what a key lookup's failure means for the check.
/// </summary>
internal static class SignatureKeyCheck
{
    /// <summary>
    /// What a key lookup's failure means: a temporary one (a timeout, SERVFAIL, a key not looked up yet, a
    /// lookup that timed out on its own) is TempError; anything else — no such key, revoked or unusable key,
    /// BouncyCastle's errors for a malformed key — is PermError: asking again does not fix it.
    /// </summary>
    public static (AuthOutcome Outcome, string Detail) Classify(Exception e) => e switch
    {
        DkimKeyTemporaryException or DkimKeyNotCachedException or OperationCanceledException => (AuthOutcome.TempError, e.Message),
        DkimKeyNotFoundException => (AuthOutcome.PermError, e.Message),
        _ => (AuthOutcome.PermError, $"{e.GetType().Name}: {e.Message}"),
    };

    /// <summary>Looks up the key <paramref name="header"/> names (once per message); why it cannot be used, or null when it is at hand.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<(AuthOutcome Outcome, string Detail)?> ProblemAsync(IDkimPublicKeyLocator keys, Header header, CancellationToken cancellationToken)
    {
        try
        {
            await keys.LocatePublicKeyAsync(SignatureTags.Get(header.Value, "q"), SignatureTags.Get(header.Value, "d"), SignatureTags.Get(header.Value, "s"), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Every lookup failure is an outcome of the check, never an error of the gateway.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Classify(e);
        }
    }
}
