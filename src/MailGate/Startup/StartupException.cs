namespace MailGate.Startup;

/// <summary>A configuration problem found at start-up; each of <see cref="Problems"/> is one line naming the key.</summary>
public sealed class StartupException : Exception
{
    /// <summary>Creates the exception for one problem.</summary>
    public StartupException(string message) : base(message)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception for one problem, caused by <paramref name="innerException"/>.</summary>
    public StartupException(string message, Exception innerException) : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception for several problems found at once (at least one).</summary>
    public StartupException(IReadOnlyList<string> problems) : base(string.Join(Environment.NewLine, problems ?? throw new ArgumentNullException(nameof(problems))))
    {
        Problems = problems.Count > 0 ? problems : throw new ArgumentException("at least one problem", nameof(problems));
    }

    /// <summary>Creates the exception.</summary>
    public StartupException()
    {
        Problems = [Message];
    }

    /// <summary>The problems, one line each.</summary>
    public IReadOnlyList<string> Problems { get; }
}
