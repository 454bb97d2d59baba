namespace MailGate.Cli;

/// <summary>The program's exit codes, the same for every command.</summary>
internal static class ExitCodes
{
    /// <summary>Success: a clean stop, a valid file, a healthy gateway.</summary>
    public const int Ok = 0;

    /// <summary>A runtime failure, an unhealthy gateway, or (for <c>rules check</c>) an invalid file.</summary>
    public const int Failure = 1;

    /// <summary>Bad configuration or usage.</summary>
    public const int BadConfiguration = 2;
}
