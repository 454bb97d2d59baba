namespace MailGate.Poll.Aws;

/// <summary>The AWS calls MailGate makes.</summary>
public enum AwsOperation
{
    /// <summary>STS <c>AssumeRole</c> into a member account's role.</summary>
    AssumeRole,

    /// <summary>Organizations <c>ListAccounts</c>, with the base (management-account) credentials.</summary>
    ListAccounts,

    /// <summary>Support <c>DescribeCases</c> in one member account.</summary>
    DescribeCases,

    /// <summary>Health <c>DescribeEventsForOrganization</c>, with the base credentials.</summary>
    DescribeEventsForOrganization,

    /// <summary>Health <c>DescribeAffectedAccountsForOrganization</c>, with the base credentials.</summary>
    DescribeAffectedAccountsForOrganization,

    /// <summary>Health <c>DescribeEventDetailsForOrganization</c>, with the base credentials.</summary>
    DescribeEventDetailsForOrganization,
}
