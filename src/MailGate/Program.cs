// MailGate: SMTP in → durable spool → parse → rules → PagerDuty out.
// The command line picks what to run; MailGateHost wires the pipeline.
return await MailGate.Cli.MailGateCommandLine.RunAsync(args);
