using System.Net;
using System.Security.Authentication;
using MailGate.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmtpServer;
using SmtpServer.Net;

namespace MailGate.Receive;

/// <summary>Runs the SMTP listener (SmtpServer) for the life of the host.</summary>
internal sealed class SmtpReceiverService(
    SpoolingMessageStore store,
    RecipientFilter filter,
    SmtpListenerEndpoint endpoint,
    MailGateMetrics metrics,
    IOptions<SmtpOptions> options,
    ILogger<SmtpReceiverService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName(settings.ServerName)
            .CustomSmtpGreeting(_ => $"220 {settings.ServerName} ESMTP ready")
            .MaxMessageSize(settings.MaxMessageSize, MaxMessageSizeHandling.Strict)
            .MaxRetryCount(settings.MaxErrors)
            .CommandWaitTimeout(settings.CommandTimeout)
            .Endpoint(builder => builder
                .Endpoint(new IPEndPoint(IPAddress.Parse(settings.Address), settings.Port))
                .SessionTimeout(settings.SessionTimeout)
                .SupportedSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13))
            .Build();

        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) =>
        {
            var bound = (IPEndPoint)e.LocalEndPoint;
            endpoint.SetBound(bound);
            Log.SmtpListening(logger, bound.ToString());
        };

        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(store);
        services.Add(filter);
        services.Add(listeners);

        var server = new SmtpServer.SmtpServer(serverOptions, services);
        server.SessionCreated += (_, _) => metrics.SessionOpened();
        server.SessionCompleted += (_, _) => metrics.SessionClosed();
        server.SessionCancelled += (_, _) => metrics.SessionClosed();
        server.SessionFaulted += (_, e) =>
        {
            metrics.SessionClosed();
            Log.SessionFaulted(logger, e.Exception.GetType().Name, e.Exception.Message);
        };
        try
        {
            await server.StartAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
        catch (Exception e)
        {
            endpoint.SetFailed(e);
            Log.SmtpFailed(logger, e, settings.Address, settings.Port);
            throw;
        }
    }
}
