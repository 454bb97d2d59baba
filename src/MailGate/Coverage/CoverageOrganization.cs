using MailGate.Poll.Aws;
using Microsoft.Extensions.Logging;

namespace MailGate.Coverage;

/// <summary>
/// The AWS Organization's accounts for coverage (<c>Coverage:Organization</c>): listed each check; when listing fails,
/// the last list read is used (logged once until a success), so a throttled call does not drop accounts from coverage.
/// </summary>
internal sealed class CoverageOrganization(OrganizationsClient? client, ILogger<CoverageOrganization> logger)
{
    private IReadOnlyList<AwsAccount>? _last;
    private bool _failing;

    /// <summary>The accounts, or null when the Organization is not probed (or was never read).</summary>
    public async Task<IReadOnlyList<AwsAccount>?> ListAsync(CancellationToken cancellationToken)
    {
        if (client is null)
        {
            return null;
        }

        try
        {
            _last = await client.ListActiveAccountsAsync(cancellationToken).ConfigureAwait(false);
            _failing = false;
        }
        catch (AwsException e)
        {
            if (!_failing)
            {
                CoverageLog.OrganizationFailed(logger, e.Message);
            }

            _failing = true;
        }

        return _last;
    }
}
