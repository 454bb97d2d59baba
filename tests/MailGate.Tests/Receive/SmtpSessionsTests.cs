using MailGate.Observability;
using MailGate.Receive;
using Microsoft.Extensions.DependencyInjection;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.IO;
using System.Diagnostics.Metrics;

namespace MailGate.Tests.Receive;

/// <summary>
/// The open-session count: a session counts once from its start to its end; an accept that failed (SmtpServer reports
/// it as a faulted session that never started) and a second end of one session do not count.
/// </summary>
[TestFixture]
public sealed class SmtpSessionsTests
{
    [Test]
    public void Closed_OnlyForOpenedSessions_OnceEach()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new MailGateMetrics(provider.GetRequiredService<IMeterFactory>(), []);
        var sessions = new SmtpSessions(metrics);
        var (first, second, neverOpened) = (new Context(), new Context(), new Context());

        sessions.Opened(first);
        sessions.Opened(second);
        sessions.Closed(first);
        sessions.Closed(first); // completed, then also reported cancelled
        sessions.Closed(neverOpened); // an accept that failed
        var open = sessions.Open;
        sessions.Closed(second);

        Assert.That((open, sessions.Open), Is.EqualTo((1, 0)));
    }

    private sealed class Context : ISessionContext
    {
#pragma warning disable CS0067 // events the count does not raise
        public event EventHandler<SmtpCommandEventArgs>? CommandExecuting;
        public event EventHandler<SmtpCommandEventArgs>? CommandExecuted;
        public event EventHandler<SmtpResponseExceptionEventArgs>? ResponseException;
        public event EventHandler<EventArgs>? SessionAuthenticated;
#pragma warning restore CS0067

        public Guid SessionId { get; } = Guid.NewGuid();

        public IServiceProvider ServiceProvider => throw new NotSupportedException();

        public ISmtpServerOptions ServerOptions => throw new NotSupportedException();

        public IEndpointDefinition EndpointDefinition => throw new NotSupportedException();

        public ISecurableDuplexPipe Pipe => throw new NotSupportedException();

        public AuthenticationContext Authentication => throw new NotSupportedException();

        public IDictionary<string, object> Properties { get; } = new Dictionary<string, object>();
    }
}
