using MimeKit;
using MimeKit.Cryptography;

namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// Verifies every DKIM-Signature header of one message (RFC 6376 §6) with MimeKit, within the bounds of
/// <see cref="MailAuthenticator"/>: at most <see cref="MailAuthenticator.MaxDkimSignatures"/> signatures,
/// nothing hashed for a signature whose key is not at hand, and the body hashed up to a budget in all.
/// </summary>
internal sealed class DkimSignatureChecks
{
    private readonly MessageKeyLookups _keys;
    private readonly long _maxBodyBytes;
    private readonly DkimVerifier _verifier;

    /// <summary>Creates the checks for one message.</summary>
    /// <param name="keys">The message's key lookups (shared with its ARC check).</param>
    /// <param name="maxBodyBytes">The most body bytes hashed for the message's signatures (<see cref="MailAuthenticator.MaxDkimBodyBytes"/>).</param>
    public DkimSignatureChecks(MessageKeyLookups keys, long maxBodyBytes)
    {
        _keys = keys;
        _maxBodyBytes = maxBodyBytes;
        _verifier = new DkimVerifier(keys);
        _verifier.Disable(DkimSignatureAlgorithm.RsaSha1);
    }

    /// <summary>One result per DKIM-Signature header of <paramref name="message"/>, in header order.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<List<DkimResult>> VerifyAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var dkim = new List<DkimResult>();
        long? bodyLength = null;
        long hashed = 0;
        foreach (var header in message.Headers.Where(h => h.Id == HeaderId.DkimSignature).ToList())
        {
            if (dkim.Count >= MailAuthenticator.MaxDkimSignatures)
            {
                dkim.Add(Result(header, AuthOutcome.PermError, $"not checked: more than {MailAuthenticator.MaxDkimSignatures} signatures"));
            }
            else if (await SignatureKeyCheck.ProblemAsync(_keys, header, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                dkim.Add(Result(header, problem.Outcome, problem.Detail)); // nothing hashed for a signature that cannot pass now
            }
            else
            {
                bodyLength ??= await CountingStream.BodyLengthAsync(message, cancellationToken).ConfigureAwait(false);
                var cost = long.TryParse(SignatureTags.Get(header.Value, "l"), out var length) && length >= 0 && length < bodyLength ? length : bodyLength.Value;
                if (hashed > 0 && hashed + cost > _maxBodyBytes)
                {
                    dkim.Add(Result(header, AuthOutcome.PermError, $"not checked: the body was hashed for the signatures before it ({hashed} bytes; at most {_maxBodyBytes} a message)"));
                    continue;
                }

                hashed += cost;
                dkim.Add(await VerifyOneAsync(message, header, cancellationToken).ConfigureAwait(false));
            }
        }

        return dkim;
    }

    private async Task<DkimResult> VerifyOneAsync(MimeMessage message, Header header, CancellationToken cancellationToken)
    {
        try
        {
            if (await _verifier.VerifyAsync(message, header, cancellationToken).ConfigureAwait(false))
            {
                return Result(header, AuthOutcome.Pass);
            }

            var algorithm = SignatureTags.Get(header.Value, "a");
            return algorithm.Equals("rsa-sha1", StringComparison.OrdinalIgnoreCase)
                ? Result(header, AuthOutcome.Fail, "rsa-sha1 is not accepted")
                : Result(header, AuthOutcome.Fail, "the body hash or the signature does not verify (changed in transit, or not signed by this key)");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (FormatException e)
        {
            return Result(header, AuthOutcome.PermError, "malformed DKIM-Signature: " + e.Message);
        }
        catch (Exception e)
        {
            var (outcome, detail) = SignatureKeyCheck.Classify(e);
            return Result(header, outcome, detail);
        }
    }

    private static DkimResult Result(Header header, AuthOutcome outcome, string? detail = null) =>
        new(SignatureTags.Get(header.Value, "d").ToLowerInvariant(), SignatureTags.Get(header.Value, "s"), outcome, detail);
}
