using System.Net;
using System.Security.Authentication;
using MailGate.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmtpServer;

namespace MailGate.Receive;

/// <summary>
/// Runs the SMTP listener (SmtpServer) for the life of the host. On stop it drains: it closes the
/// listening socket (new connections are refused), waits up to <see cref="SmtpOptions.ShutdownGrace"/>
/// for sessions in the middle of DATA to get their reply, then ends the remaining (idle) sessions.
/// </summary>
internal sealed class SmtpReceiverService(
    SpoolingMessageStore store,
    RecipientFilter filter,
    SmtpListenerEndpoint endpoint,
    SmtpSessions sessions,
    ClientGate gate,
    DataBudget budget,
    DataBlockPool blocks,
    MailGateMetrics metrics,
    IOptions<SmtpOptions> options,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<SmtpReceiverService> logger) : BackgroundService
{
    private readonly DrainingListenerFactory _listeners = new(blocks, listener =>
        new GatedListener(listener, gate, ClientLimits.From(options.Value, budget), metrics, time, loggers.CreateLogger<GatedListener>()));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName(settings.ServerName)
            .CustomSmtpGreeting(_ => $"220 {settings.ServerName} ESMTP ready")
            // The size and the line lengths are enforced exactly by ClientPipe as the bytes arrive;
            // SmtpServer's strict check counts the end-of-data marker and answers only at the next read.
            .MaxMessageSize(settings.MaxMessageSize, MaxMessageSizeHandling.Ignore)
            .MaxRetryCount(settings.MaxErrors)
            // Every read has ClientPipe's idle deadline (Smtp:CommandTimeout); SmtpServer's own wait, which
            // covers command lines only, is left to the session's cap.
            .CommandWaitTimeout(settings.SessionTimeout)
            .Endpoint(builder =>
            {
                builder
                    .Endpoint(new IPEndPoint(IPAddress.Parse(settings.Address), settings.Port))
                    .SessionTimeout(settings.SessionTimeout)
                    .SupportedSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13);
                if (settings.Tls.Enabled)
                {
                    // STARTTLS is advertised only when a certificate factory is set.
                    builder.Certificate(new PemCertificateFactory(settings.Tls.CertificatePath, settings.Tls.KeyPath, loggers.CreateLogger<PemCertificateFactory>()));
                }
            })
            .Build();

        _listeners.EndpointStarted += (_, e) =>
        {
            var bound = (IPEndPoint)e.LocalEndPoint;
            endpoint.SetBound(bound);
            Log.SmtpListening(logger, bound.ToString());
        };

        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(store);
        services.Add(filter);
        services.Add(_listeners);
        services.Add(new GatewayCommandFactory(settings.MaxMessageSize, metrics, loggers.CreateLogger<GatewayCommandFactory>()));

        var server = new SmtpServer.SmtpServer(serverOptions, services);
        server.SessionCreated += (_, e) => sessions.Opened(e.Context);
        server.SessionCompleted += (_, e) => sessions.Closed(e.Context);
        server.SessionCancelled += (_, e) => sessions.Closed(e.Context);
        server.SessionFaulted += (_, e) =>
        {
            sessions.Closed(e.Context);
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

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _listeners.StopAccepting();
        endpoint.SetClosed();
        Log.SmtpDraining(logger, sessions.Open, sessions.InData, options.Value.ShutdownGrace);
        if (!await sessions.WaitForDataToFinishAsync(options.Value.ShutdownGrace, time, cancellationToken).ConfigureAwait(false))
        {
            Log.SmtpDrainTimedOut(logger, sessions.InData);
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
