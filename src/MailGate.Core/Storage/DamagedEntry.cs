namespace MailGate.Core.Storage;

/// <summary>
/// An entry of an area that is not a message of the expected shape, never read as one: in the file spool a
/// symbolic link, a stray file, a folder without its envelope, an envelope that is not valid; in any backend
/// one whose envelope cannot be read.
/// </summary>
/// <param name="Area">Where it was found.</param>
/// <param name="Name">Its name in that area.</param>
/// <param name="Problem">What is wrong with it, for people: "a symbolic link (to /elsewhere), not a message folder".</param>
public sealed record DamagedEntry(SpoolArea Area, string Name, string Problem);
