using Newtonsoft.Json.Linq;
using SmartDomains.Remote;
using SmartDomains.State;

namespace SmartDomains.Images;

/// <summary>
/// The one journaled temporary directory of saves and restores (a staging dir, a repository's NAME.partial): journaled
/// before it is made and when it is gone, each in the same round trip as the mkdir or rm, so Clear-XenHost finds a
/// leftover.
/// </summary>
internal static class StagingDirectory
{
    /// <summary>Begin, an empty directory (whatever was there from a dead attempt goes), done.</summary>
    public static RemoteCommand Make(HostJournal journal, string dir, string? domain, string? pool, JObject? data = null) =>
        RemoteCommand.All(
            journal.AppendCommand(JournalEntry.Of(JournalOp.Begin, ImageResourceKinds.Temp, dir, domain, pool, data)),
            MakeEmpty(dir),
            journal.AppendCommand(JournalEntry.Of(JournalOp.Done, ImageResourceKinds.Temp, dir, domain, pool, data)));

    /// <summary>Undo, the directory and all in it, undone.</summary>
    public static RemoteCommand Remove(HostJournal journal, string dir, string? domain, string? pool) =>
        RemoteCommand.All(
            journal.AppendCommand(JournalEntry.Of(JournalOp.Undo, ImageResourceKinds.Temp, dir, domain, pool)),
            RemoveTree(dir),
            journal.AppendCommand(JournalEntry.Of(JournalOp.Undone, ImageResourceKinds.Temp, dir, domain, pool)));

    public static RemoteCommand MakeEmpty(string dir) =>
        RemoteCommand.All(RemoveTree(dir), RemoteCommand.Of("mkdir", "-p", "--", dir));

    public static RemoteCommand RemoveTree(params string[] paths) => RemoteCommand.Of("rm", new[] { "-rf", "--" }.Concat(paths));
}
