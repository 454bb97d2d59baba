namespace MailGate.Core.Storage;

/// <summary>
/// The durable storage behind MailGate, one object per backend (today the file spool, <c>MailGate.Core.Spool.SpoolStore</c>).
/// Each part of the gateway takes the role it needs: SMTP and the pollers <see cref="IMessageIntake"/>,
/// the processor <see cref="IProcessingStore"/>, the <c>mailgate spool</c> commands
/// <see cref="ISpoolAdministration"/>, the pollers <see cref="IPollerCursors"/>, features
/// <see cref="IFeatureState"/>, readiness and metrics <see cref="IStorageHealth"/>, the deliveries
/// <see cref="IDeliveryLedger"/> (one trigger per email). Every backend passes
/// the same conformance suite (<c>tests/Shared/Storage/StorageConformanceTests.cs</c>).
/// </summary>
/// <remarks>
/// <para>Failures: a storage that cannot be reached or refuses a change throws <see cref="IOException"/>
/// (the file spool also <see cref="UnauthorizedAccessException"/>); nothing else is thrown for that, so
/// callers keep what they know in memory and try again. A stored document that cannot be read as what it
/// should be (a damaged state) throws <see cref="System.Text.Json.JsonException"/>.</para>
/// <para>Owners and claims: the gateway opens its storage as an owner; the commands open it shared, beside
/// a running owner. A backend with one owner at a time (the file spool: a lock) lets its owner claim every
/// unfinished message; a backend with several owners (replicas on one database) gives each unfinished message
/// to one owner at a time under a lease that <see cref="IProcessingStore.Renew"/> extends, and refuses the
/// changes of an owner whose lease was taken over with <see cref="LeaseLostException"/>.</para>
/// </remarks>
public interface IStorage
{
    /// <summary>Where the storage is, for people and logs: the spool's folder, a database's host and name (never a password).</summary>
    string Location { get; }
}

/// <summary>Every role of the storage in one: what a backend implements.</summary>
public interface IMessageStorage : IMessageIntake, IProcessingStore, ISpoolAdministration, IPollerCursors, IFeatureState, IStorageHealth, IDeliveryLedger, IDisposable;
