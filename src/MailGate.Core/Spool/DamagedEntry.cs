namespace MailGate.Spool;

/// <summary>An entry of a spool area that is not a plain message folder (see <see cref="SpoolStore"/>).</summary>
/// <param name="Area">Where it was found.</param>
/// <param name="Name">Its name in that area.</param>
/// <param name="Problem">What is wrong with it, for people: "a symbolic link (to /elsewhere), not a message folder".</param>
public sealed record DamagedEntry(SpoolArea Area, string Name, string Problem);
