using MimeKit;
using MimeKit.Cryptography;

namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// Verifies a message's ARC chain (RFC 8617) with MimeKit and, only when it passes, reads the original
/// authentication results the sealers recorded.
/// </summary>
/// <remarks>
/// MimeKit's verifier swallows every exception into a failed chain, so the keys go through
/// <see cref="MessageKeyLookups"/>, which counts temporary lookup failures: a chain that failed with one is
/// TempError. A chain of more than <see cref="MailAuthenticator.MaxArcSets"/> sets is PermError without any
/// lookup; a key not at hand (or failing for now) makes the chain TempError with nothing hashed.
/// </remarks>
internal static class ArcChainCheck
{
    /// <summary>The chain's outcome, the domain of its last sealer (lower case, empty unless Pass) and the original verdict (only on Pass).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<(AuthOutcome Arc, string Sealer, OriginalAuthentication? Original)> VerifyAsync(MimeMessage message, MessageKeyLookups keys, CancellationToken cancellationToken)
    {
        if (message.Headers.Count(h => h.Id == HeaderId.ArcSeal) > MailAuthenticator.MaxArcSets)
        {
            return (AuthOutcome.PermError, "", null); // not checked: each set costs a lookup
        }

        // The chain's keys first: one not at hand (or failing for now) makes the chain TempError, with nothing hashed.
        foreach (var header in message.Headers.Where(h => h.Id is HeaderId.ArcSeal or HeaderId.ArcMessageSignature).ToList())
        {
            if (await SignatureKeyCheck.ProblemAsync(keys, header, cancellationToken).ConfigureAwait(false) is { Outcome: AuthOutcome.TempError })
            {
                return (AuthOutcome.TempError, "", null);
            }
        }

        var temporaryBefore = keys.TemporaryFailures;
        ArcValidationResult result;
        try
        {
            result = await new ArcVerifier(keys).VerifyAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception)
        {
            // The verifier catches per signature; anything escaping it is a chain it could not read.
            return (AuthOutcome.Fail, "", null);
        }

        // The verifier swallows cancellation into a failed chain.
        cancellationToken.ThrowIfCancellationRequested();
        switch (result.Chain)
        {
            case ArcSignatureValidationResult.None:
                return (AuthOutcome.None, "", null);
            case ArcSignatureValidationResult.Pass when result.Seals is { Length: > 0 } seals:
                var domains = seals.Select(s => SignatureTags.Get(s.Header.Value, "d").ToLowerInvariant()).ToArray();
                return (AuthOutcome.Pass, domains[^1], OriginalAuthenticationReader.Read(message.Headers, domains));
            default:
                return (keys.TemporaryFailures > temporaryBefore ? AuthOutcome.TempError : AuthOutcome.Fail, "", null);
        }
    }
}
