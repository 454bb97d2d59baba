using Microsoft.Extensions.Logging;

namespace MailGate;

/// <summary>
/// Every log line the gateway writes, with a fixed event id each (source-generated, no interpolation).
/// Ids by area: 1xx receive, 2xx spool, 3xx rules, 4xx processing, 5xx delivery, 6xx AWS Support polling, 9xx host.
/// Routing keys never appear in any of them.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "SMTP listening on {Endpoint}")]
    public static partial void SmtpListening(ILogger logger, string endpoint);

    [LoggerMessage(101, LogLevel.Information, "Accepted {SpoolId}: {Size} bytes from <{MailFrom}> to {RecipientCount} recipient(s), client {ClientAddress}, session {SessionId}")]
    public static partial void MessageAccepted(ILogger logger, string spoolId, long size, string mailFrom, int recipientCount, string clientAddress, string sessionId);

    [LoggerMessage(102, LogLevel.Information, "Refused RCPT TO <{Recipient}> (not an accepted recipient), session {SessionId}")]
    public static partial void RecipientRejected(ILogger logger, string recipient, string sessionId);

    [LoggerMessage(103, LogLevel.Warning, "Refused a message ({Reason}): {Reply}, session {SessionId}")]
    public static partial void MessageRefused(ILogger logger, string sessionId, string reason, string reply);

    [LoggerMessage(104, LogLevel.Error, "Cannot write to the spool at {SpoolRoot}; answered 451 so the sender retries, session {SessionId}")]
    public static partial void SpoolWriteFailed(ILogger logger, Exception exception, string sessionId, string spoolRoot);

    [LoggerMessage(107, LogLevel.Warning, "Refusing new mail with 452: the spool's disk has {FreeBytes} bytes free, below Spool:MinFreeBytes; accepted mail is still delivered. Session {SessionId}")]
    public static partial void SpoolFull(ILogger logger, long freeBytes, string sessionId);

    [LoggerMessage(108, LogLevel.Information, "Stopping: no new SMTP connections; {OpenSessions} session(s) open, {InData} in DATA, waiting up to {Grace} for DATA to finish")]
    public static partial void SmtpDraining(ILogger logger, int openSessions, int inData, TimeSpan grace);

    [LoggerMessage(109, LogLevel.Warning, "Stopping: {InData} session(s) still in DATA after the grace period are cut off (their senders retry: they never got a 250)")]
    public static partial void SmtpDrainTimedOut(ILogger logger, int inData);

    [LoggerMessage(105, LogLevel.Debug, "SMTP session ended with {ErrorType}: {Error}")]
    public static partial void SessionFaulted(ILogger logger, string errorType, string error);

    [LoggerMessage(106, LogLevel.Critical, "The SMTP listener on {Address}:{Port} failed")]
    public static partial void SmtpFailed(ILogger logger, Exception exception, string address, int port);

    [LoggerMessage(110, LogLevel.Information, "Refused a connection from {ClientAddress} ({Reason}): {Reply}; {OpenConnections} connection(s) open")]
    public static partial void ConnectionRefused(ILogger logger, string clientAddress, string reason, string reply, int openConnections);

    [LoggerMessage(111, LogLevel.Information, "Refused a command ({Reason}): {Reply}, session {SessionId}")]
    public static partial void MailRefused(ILogger logger, string reason, string reply, string sessionId);

    [LoggerMessage(112, LogLevel.Information, "STARTTLS certificate loaded from {CertificatePath}: {Subject}, thumbprint {Thumbprint}, valid until {NotAfter:o}")]
    public static partial void CertificateLoaded(ILogger logger, string certificatePath, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(113, LogLevel.Error, "Cannot load the changed STARTTLS certificate {CertificatePath} with key {KeyPath} ({Error}); still using the certificate {Thumbprint}")]
    public static partial void CertificateReloadFailed(ILogger logger, string certificatePath, string keyPath, string error, string thumbprint);

    [LoggerMessage(114, LogLevel.Information, "Closed session {SessionId} from {ClientAddress}: no input for {IdleTimeout} while {Phase}; answered 421 4.4.2")]
    public static partial void ClientIdle(ILogger logger, string sessionId, string clientAddress, TimeSpan idleTimeout, string phase);

    [LoggerMessage(115, LogLevel.Information, "Closed session {SessionId} from {ClientAddress}: the STARTTLS handshake did not finish within {IdleTimeout}")]
    public static partial void TlsHandshakeTimedOut(ILogger logger, string sessionId, string clientAddress, TimeSpan idleTimeout);

    [LoggerMessage(116, LogLevel.Information, "Closed session {SessionId} from {ClientAddress}: a command line longer than {MaxLineLength} bytes; answered 500 5.5.0")]
    public static partial void CommandLineTooLong(ILogger logger, string sessionId, string clientAddress, int maxLineLength);

    [LoggerMessage(117, LogLevel.Information, "Refused a message of {MessageBytes} bytes or more (Smtp:MaxMessageSize is {MaxMessageSize}) with 552 5.3.4 after its end; session {SessionId} from {ClientAddress}")]
    public static partial void MessageTooLarge(ILogger logger, long messageBytes, int maxMessageSize, string sessionId, string clientAddress);

    [LoggerMessage(122, LogLevel.Warning, "Refused a message of {MessageBytes} bytes or more with 452 4.3.1 after its end: all sessions together held Smtp:MaxDataInFlight ({MaxDataInFlight} bytes) of DATA; session {SessionId} from {ClientAddress}")]
    public static partial void DataBudgetFull(ILogger logger, long maxDataInFlight, long messageBytes, string sessionId, string clientAddress);

    [LoggerMessage(118, LogLevel.Information, "Closed session {SessionId} from {ClientAddress}: it did not take a reply within {IdleTimeout}")]
    public static partial void ClientNotReading(ILogger logger, string sessionId, string clientAddress, TimeSpan idleTimeout);

    [LoggerMessage(119, LogLevel.Information, "Refused an empty message with 554 5.6.0; session {SessionId} from {ClientAddress}")]
    public static partial void EmptyMessage(ILogger logger, string sessionId, string clientAddress);

    [LoggerMessage(120, LogLevel.Debug, "Answered {Verb} with {Reply} (not passed to the SMTP library); session {SessionId} from {ClientAddress}")]
    public static partial void CommandScreened(ILogger logger, string verb, string reply, string sessionId, string clientAddress);

    [LoggerMessage(121, LogLevel.Information, "Refused MAIL FROM with SIZE={Size}: {Reply}")]
    public static partial void MailSizeRefused(ILogger logger, string size, string reply);

    [LoggerMessage(200, LogLevel.Warning, "Spool recovery: discarded {Discarded} never-acknowledged partial write(s), moved {CorruptCount} damaged message(s) to corrupt/: {CorruptIds}")]
    public static partial void SpoolRecovered(ILogger logger, int discarded, int corruptCount, string corruptIds);

    [LoggerMessage(201, LogLevel.Information, "Spool at {SpoolRoot}: resuming {Count} unfinished message(s)")]
    public static partial void SpoolResumed(ILogger logger, int count, string spoolRoot);

    [LoggerMessage(202, LogLevel.Error, "Spool state of {SpoolId} is unreadable ({Error}); moved to corrupt/ for a person to look at")]
    public static partial void StateCorrupt(ILogger logger, string spoolId, string error);

    [LoggerMessage(203, LogLevel.Warning, "Spool scan failed: {Error}")]
    public static partial void ScanFailed(ILogger logger, string error);

    [LoggerMessage(204, LogLevel.Error, "Spool entry {Entry} in {Area}/ is not a message folder ({Problem}); moved to corrupt/ unread, for a person to look at")]
    public static partial void SpoolEntryQuarantined(ILogger logger, string entry, string area, string problem);

    [LoggerMessage(205, LogLevel.Error, "Spool entry {Entry} in {Area}/ is not a message folder ({Problem}) and cannot be moved to corrupt/ ({Error}); it is skipped, never read. Move it away by hand")]
    public static partial void SpoolEntryNotQuarantined(ILogger logger, string entry, string area, string problem, string error);

    [LoggerMessage(1000, LogLevel.Information, "PostgreSQL storage at {StorageLocation}: schema version {SchemaVersion}, {AppliedCount} migration(s) applied now")]
    public static partial void PostgresSchemaReady(ILogger logger, string storageLocation, int schemaVersion, int appliedCount);

    [LoggerMessage(1010, LogLevel.Warning, "Lost the claim on {SpoolId}: another replica of {StorageLocation} took it over after its lease ran out; dropped here (nothing more is sent for it from this replica), its new owner resumes it")]
    public static partial void LeaseLost(ILogger logger, string spoolId, string storageLocation);

    [LoggerMessage(1011, LogLevel.Warning, "Cannot renew the leases of {HeldCount} message(s): {Error}; kept, tried again at the next renewal")]
    public static partial void LeaseRenewalFailed(ILogger logger, int heldCount, string error);

    [LoggerMessage(300, LogLevel.Information, "Rules loaded from {RulesSource}: version {RulesVersion}, {RuleCount} rule(s), {RouteCount} route(s)")]
    public static partial void RulesLoaded(ILogger logger, string rulesSource, string rulesVersion, int ruleCount, int routeCount);

    [LoggerMessage(301, LogLevel.Warning, "Route {Route} runs in DRY-RUN: ${{{Variable}}} is not set, so its PagerDuty events are logged, not sent")]
    public static partial void RouteDryRun(ILogger logger, string route, string variable);

    [LoggerMessage(302, LogLevel.Information, "Rules reloaded from {RulesPath}: version {PreviousVersion} → {RulesVersion}, {RuleCount} rule(s); the next message uses them")]
    public static partial void RulesReloaded(ILogger logger, string rulesPath, string previousVersion, string rulesVersion, int ruleCount);

    [LoggerMessage(303, LogLevel.Error, "Rules file {RulesPath} changed to version {RejectedVersion}, which is invalid; version {RulesVersion} stays in force. {ErrorCount} error(s):\n{Errors}")]
    public static partial void RulesReloadFailed(ILogger logger, string rulesPath, string rejectedVersion, string rulesVersion, int errorCount, string errors);

    [LoggerMessage(304, LogLevel.Information, "Rules file {RulesPath} cannot be read right now ({Error}); if it still cannot be read at a check a second or more from now, the reload counts as failed")]
    public static partial void RulesUnreadable(ILogger logger, string rulesPath, string error);

    [LoggerMessage(305, LogLevel.Error, "Rules file {RulesPath} cannot be read ({Error}) since {Since:u}; version {RulesVersion} stays in force until it can be read and is valid")]
    public static partial void RulesUnreadableFailed(ILogger logger, string rulesPath, string error, DateTimeOffset since, string rulesVersion);

    [LoggerMessage(306, LogLevel.Information, "Rules file {RulesPath} holds version {RulesVersion}, the one in force, again: the reload failure is cleared")]
    public static partial void RulesRecovered(ILogger logger, string rulesPath, string rulesVersion);

    [LoggerMessage(307, LogLevel.Error, "Reloading rules file {RulesPath} failed unexpectedly; version {RulesVersion} stays in force")]
    public static partial void RulesReloadCrashed(ILogger logger, Exception exception, string rulesPath, string rulesVersion);

    [LoggerMessage(308, LogLevel.Warning, "Cannot watch {Folder} for changes to the rules file ({Error}); it is still checked every {ReloadInterval}")]
    public static partial void RulesWatchUnavailable(ILogger logger, string folder, string error, TimeSpan reloadInterval);

    [LoggerMessage(309, LogLevel.Error, "The rules file watcher failed; it goes on checking every {ReloadInterval}")]
    public static partial void RulesWatcherFailed(ILogger logger, Exception exception, TimeSpan reloadInterval);
    [LoggerMessage(320, LogLevel.Error, "Rule {Rule} could not be evaluated for {SpoolId} (message {MessageId}, rules {RulesVersion}): {Reason}: {Detail}")]
    public static partial void RuleFailed(ILogger logger, string spoolId, string messageId, string rule, string reason, string detail, string rulesVersion);

    [LoggerMessage(400, LogLevel.Information, "Decided {SpoolId}: message {MessageId} from {Sender} \"{Subject}\" account {Account} matched rule {Rule} → page route {Route} at {Severity} (trusted: {Trusted}), dedup key {DedupKey}; {Authentication} (rules {RulesVersion})")]
    public static partial void MessageMatched(ILogger logger, string spoolId, string messageId, string sender, string subject, string account, string rule, string route, string severity, bool trusted, string dedupKey, string authentication, string rulesVersion);

    [LoggerMessage(407, LogLevel.Warning, "Verifying {SpoolId} hit a temporary DNS failure ({Authentication}); it is verified again, for up to {Remaining} more, before the verdict is taken")]
    public static partial void VerificationDeferred(ILogger logger, string spoolId, string authentication, TimeSpan remaining);

    [LoggerMessage(405, LogLevel.Warning, "Decided {SpoolId}: message {MessageId} from {Sender} \"{Subject}\" matched rule {Rule} but is NOT TRUSTED ({Authentication}); the trust policy drops it: no page")]
    public static partial void UntrustedDropped(ILogger logger, string spoolId, string messageId, string sender, string subject, string rule, string authentication);

    [LoggerMessage(406, LogLevel.Warning, "Decided {SpoolId}: message {MessageId} from {Sender} \"{Subject}\" matched rule {Rule} but is NOT TRUSTED ({Authentication}) and {Limit}: no page")]
    public static partial void UntrustedRateLimited(ILogger logger, string spoolId, string messageId, string sender, string subject, string rule, string authentication, string limit);

    [LoggerMessage(401, LogLevel.Information, "Decided {SpoolId}: message {MessageId} from {Sender} \"{Subject}\" → drop, by {Rule} (rules {RulesVersion})")]
    public static partial void MessageDropped(ILogger logger, string spoolId, string messageId, string sender, string subject, string rule, string rulesVersion);

    [LoggerMessage(402, LogLevel.Error, "Dead-lettered {SpoolId}: message {MessageId} \"{Subject}\": {Reason}")]
    public static partial void MessageDeadLettered(ILogger logger, string spoolId, string messageId, string subject, string reason);

    [LoggerMessage(403, LogLevel.Information, "Processing of {SpoolId} interrupted by shutdown; it resumes at the next start")]
    public static partial void ProcessingInterrupted(ILogger logger, string spoolId);

    [LoggerMessage(404, LogLevel.Error, "Processing of {SpoolId} failed; the message stays in the spool and is tried again at the next scan of the spool (every Spool:ScanInterval), at most 5 times in a row before it is dead-lettered")]
    public static partial void ProcessingFailed(ILogger logger, Exception exception, string spoolId);

    [LoggerMessage(420, LogLevel.Warning, "Processing of {SpoolId} waits: the storage cannot be reached ({Error}); not counted against the message, which is taken up again at the next scan once the storage answers (logged once until a message is decided again)")]
    public static partial void ProcessingWaitsForStorageAgain(ILogger logger, string spoolId, string error);

    [LoggerMessage(418, LogLevel.Information, "Restored {Count} pinned key name(s) from the last run ({Names}): looked up again now, and looked up first for new selectors of their domains")]
    public static partial void PinnedKeysRestored(ILogger logger, int count, string names);

    [LoggerMessage(419, LogLevel.Warning, "Cannot save the pinned key names in the spool ({Error}); they stay pinned in memory, but a restart forgets them")]
    public static partial void PinnedKeysNotSaved(ILogger logger, string error);

    [LoggerMessage(416, LogLevel.Warning, "Processing of {SpoolId} failed again ({Failures} times in a row): {ErrorType}: {Error}; tried again at the next scan")]
    public static partial void ProcessingFailedAgain(ILogger logger, string spoolId, int failures, string errorType, string error);

    [LoggerMessage(417, LogLevel.Error, "Processing of {SpoolId} failed {Failures} times in a row ({ErrorType}: {Error}): it is dead-lettered with that reason instead of being tried at every scan; 'mailgate spool retry' decides it again")]
    public static partial void ProcessingGaveUp(ILogger logger, string spoolId, int failures, string errorType, string error);

    [LoggerMessage(408, LogLevel.Debug, "Verifying {SpoolId} needs {KeyCount} key(s) not looked up yet; set aside while they are (client network {ClientNetwork}), the messages behind it go on")]
    public static partial void KeysNeeded(ILogger logger, string spoolId, int keyCount, string clientNetwork);

    [LoggerMessage(409, LogLevel.Debug, "Looked up {KeyCount} key(s) for {SpoolId} in {ElapsedMs:F0} ms")]
    public static partial void KeysFetched(ILogger logger, string spoolId, int keyCount, double elapsedMs);

    [LoggerMessage(410, LogLevel.Warning, "Looking up {KeyCount} key(s) for {SpoolId} (client network {ClientNetwork}) took longer than Trust:VerificationTimeout ({Budget}); keys without an answer count as a temporary DNS failure")]
    public static partial void KeyFetchTimedOut(ILogger logger, string spoolId, int keyCount, string clientNetwork, TimeSpan budget);

    [LoggerMessage(411, LogLevel.Warning, "Verifying {SpoolId} still hits temporary DNS failures after Trust:TempErrorRetryWindow ({Window}); deciding with what is known ({Authentication})")]
    public static partial void VerificationGaveUp(ILogger logger, string spoolId, TimeSpan window, string authentication);

    [LoggerMessage(412, LogLevel.Error, "Cannot record the state of {SpoolId} in the spool ({Error}); it is kept in memory and written again with backoff, nothing PagerDuty accepted is sent again, and the gateway reports not ready until then")]
    public static partial void StateWriteFailed(ILogger logger, string spoolId, string error);

    [LoggerMessage(413, LogLevel.Information, "The state of {SpoolId} is recorded in the spool again")]
    public static partial void StateWritten(ILogger logger, string spoolId);

    [LoggerMessage(414, LogLevel.Information, "Keys {Names} verified trusted mail ({SpoolId}): pinned (looked up again before they expire, never evicted, looked up first for new selectors of their domains)")]
    public static partial void KeysPinned(ILogger logger, string spoolId, string names);

    [LoggerMessage(415, LogLevel.Debug, "Looked up {KeyCount} pinned key(s) again ahead of their expiry")]
    public static partial void PinnedKeysRefreshed(ILogger logger, int keyCount);

    [LoggerMessage(500, LogLevel.Information, "Outcome for {SpoolId}: message {MessageId} from {Sender} \"{Subject}\" rule {Rule} route {Route} → PagerDuty {DeliveryStatus}, dedup key {DedupKey}, {Attempts} attempt(s), {LatencyMs:F1} ms after the 250")]
    public static partial void MessageDelivered(ILogger logger, string spoolId, string messageId, string sender, string subject, string rule, string route, string deliveryStatus, string dedupKey, int attempts, double latencyMs);

    [LoggerMessage(501, LogLevel.Error, "Could not page for {SpoolId}: message {MessageId} rule {Rule} route {Route} → {DeliveryStatus}, dedup key {DedupKey}, {Attempts} attempt(s): {Error}")]
    public static partial void DeliveryFailed(ILogger logger, string spoolId, string messageId, string rule, string route, string deliveryStatus, string dedupKey, int attempts, string error);

    [LoggerMessage(502, LogLevel.Warning, "PagerDuty attempt {Attempt} for {SpoolId} (route {Route}) failed: {Error}; retrying in {RetryDelay}")]
    public static partial void DeliveryRetry(ILogger logger, string spoolId, string route, int attempt, string error, TimeSpan retryDelay);

    [LoggerMessage(503, LogLevel.Warning, "DRY-RUN for {SpoolId}: route {Route} has no routing key (${{{Variable}}} is not set); this event would have been sent: {EventJson}")]
    public static partial void DryRunEvent(ILogger logger, string spoolId, string route, string variable, string eventJson);

    [LoggerMessage(504, LogLevel.Warning, "PagerDuty circuit OPEN after {Failures} failed requests in a row: sending paused for {BreakDuration}, then one request probes")]
    public static partial void CircuitOpened(ILogger logger, int failures, TimeSpan breakDuration);

    [LoggerMessage(505, LogLevel.Information, "PagerDuty circuit half-open: probing with one request")]
    public static partial void CircuitProbing(ILogger logger);

    [LoggerMessage(506, LogLevel.Information, "PagerDuty circuit closed: PagerDuty answers again")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(507, LogLevel.Warning, "PagerDuty circuit for UNTRUSTED events OPEN after {Failures} failed requests in a row: untrusted sending paused for {BreakDuration}; trusted events are not affected")]
    public static partial void UntrustedCircuitOpened(ILogger logger, int failures, TimeSpan breakDuration);

    [LoggerMessage(508, LogLevel.Information, "PagerDuty circuit for untrusted events closed")]
    public static partial void UntrustedCircuitClosed(ILogger logger);


    [LoggerMessage(600, LogLevel.Information, "Polling AWS Support cases every {PollInterval} in languages {Languages}; cursors in {StatePath}")]
    public static partial void SupportPollingStarted(ILogger logger, TimeSpan pollInterval, string languages, string statePath);

    [LoggerMessage(601, LogLevel.Information, "AWS Organizations lists {Listed} account(s); polling {Polled}")]
    public static partial void SupportAccountsListed(ILogger logger, int listed, int polled);

    [LoggerMessage(602, LogLevel.Warning, "Cannot list the Organization's accounts: {Error}; still polling the {Known} account(s) already known")]
    public static partial void SupportAccountsFailed(ILogger logger, string error, int known);

    [LoggerMessage(603, LogLevel.Information, "AWS Organizations lists accounts again")]
    public static partial void SupportAccountsListedAgain(ILogger logger);

    [LoggerMessage(604, LogLevel.Warning, "Cannot poll AWS Support cases of account {AwsAccount} ({AccountName}): {PollState}: {Error}. The other accounts are polled; this is logged again only when it changes")]
    public static partial void SupportAccountFailed(ILogger logger, string awsAccount, string accountName, string pollState, string error);

    [LoggerMessage(605, LogLevel.Information, "AWS Support cases of account {AwsAccount} ({AccountName}) are polled again (was {PreviousState})")]
    public static partial void SupportAccountRecovered(ILogger logger, string awsAccount, string accountName, string previousState);

    [LoggerMessage(606, LogLevel.Information, "Found support case {CaseId} (display id {DisplayId}) in account {AwsAccount} ({AccountName}), language {Language}: \"{Subject}\" → spooled as {SpoolId}")]
    public static partial void SupportCaseFound(ILogger logger, string caseId, string displayId, string awsAccount, string accountName, string language, string subject, string spoolId);

    [LoggerMessage(607, LogLevel.Information, "Support case {CaseId} in account {AwsAccount} is resolved → resolve event spooled as {SpoolId}")]
    public static partial void SupportCaseResolved(ILogger logger, string caseId, string awsAccount, string spoolId);

    [LoggerMessage(608, LogLevel.Information, "Could not check the watched support cases of account {AwsAccount} ({Language}) for resolution: {Error}; tried again next poll")]
    public static partial void SupportResolveCheckFailed(ILogger logger, string awsAccount, string language, string error);

    [LoggerMessage(900, LogLevel.Information, "HTTP listening on {Url}: /healthz, /readyz, /metrics")]
    public static partial void HttpListening(ILogger logger, string url);

    [LoggerMessage(901, LogLevel.Critical, "{Service} failed: {Error}. The gateway stops and exits with code 1 so that its supervisor restarts it")]
    public static partial void BackgroundServiceFailed(ILogger logger, Exception? exception, string service, string error);

    [LoggerMessage(902, LogLevel.Critical, "{Service} ended while the gateway was running. The gateway stops and exits with code 1 so that its supervisor restarts it")]
    public static partial void BackgroundServiceEnded(ILogger logger, string service);

    [LoggerMessage(920, LogLevel.Critical, "Cannot start: HTTP cannot listen on {Url}: {Error}. Free that address or change Http:Url; the gateway exits with code 1")]
    public static partial void HttpCannotListen(ILogger logger, string url, string error);
}
