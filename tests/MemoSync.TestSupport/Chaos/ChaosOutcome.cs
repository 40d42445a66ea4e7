using MemoSync.Emulator;
using MemoSync.Journal;

namespace MemoSync.TestSupport.Chaos;

/// <summary>What a soak saw, before it is counted.</summary>
/// <param name="Journal">The journal's name.</param>
/// <param name="Chaos">How long the chaos lasted.</param>
/// <param name="Drain">From the end of the chaos until the journal held nothing pending (or the drain's limit).</param>
/// <param name="Recorded">The marker of every line a <c>record</c> acknowledged.</param>
/// <param name="RecordExits">Every <c>record</c> run's exit code; -1 for one killed as hung.</param>
/// <param name="Entries">Everything the journal holds at the end.</param>
/// <param name="Stored">The turn id of every blob Memobase stored for the recorders' users, repeats included.</param>
/// <param name="Stats">The emulator's own count.</param>
/// <param name="Outages">Outages injected.</param>
/// <param name="Kills">Daemons SIGKILLed.</param>
/// <param name="Locks">How long each lock of the journal held.</param>
/// <param name="DaemonExits">Every daemon exit.</param>
public sealed record ChaosObservations(
    string Journal,
    TimeSpan Chaos,
    TimeSpan Drain,
    IReadOnlyList<string> Recorded,
    IReadOnlyList<int> RecordExits,
    IReadOnlyList<JournalEntry> Entries,
    IReadOnlyList<Guid> Stored,
    EmulatorStats Stats,
    int Outages,
    int Kills,
    IReadOnlyList<TimeSpan> Locks,
    IReadOnlyList<DaemonExit> DaemonExits);

/// <summary>
/// A soak's verdict. <see cref="Lost"/>: a turn <c>record</c> acknowledged that Memobase did not store and the journal
/// does not hold pending or dead. A duplicate is only excused by a lost answer: <see cref="Duplicates"/> must not exceed
/// <see cref="LostAnswers"/>. A silent stop is a daemon that exited 0 unasked (systemd would not restart it) or a
/// <c>record</c> that hung.
/// </summary>
public sealed record ChaosOutcome(
    ChaosObservations Seen,
    int Recorded,
    int RecordedTwice,
    long Received,
    int Distinct,
    int Lost,
    long Duplicates,
    long LostAnswers,
    IReadOnlyList<JournalEntry> Dead,
    int Pending,
    IReadOnlyList<string> SilentStops)
{
    /// <summary>Counts every acknowledged turn against the journal and what Memobase stored.</summary>
    public static ChaosOutcome Count(ChaosObservations seen)
    {
        ArgumentNullException.ThrowIfNull(seen);
        var byMarker = seen.Entries.ToLookup(e => e.Turn.Messages[0].Content);
        var stored = seen.Stored.ToHashSet();
        var lost = seen.Recorded.Count(marker => !byMarker[marker].Any(e => stored.Contains(e.Turn.Id) || e.State is TurnState.Pending or TurnState.Dead));
        var silent = seen.DaemonExits
            .Where(e => e.Cause == DaemonExitCause.OnItsOwn && !e.Restarted)
            .Select(e => $"daemon {e.Slot} exited {e.Code} on its own and was not restarted: {e.LastLines}")
            .Concat(seen.RecordExits.Where(code => code == -1).Select(_ => "a record hung and was killed"))
            .ToList();
        return new ChaosOutcome(seen, seen.Recorded.Count, seen.Recorded.Count(marker => byMarker[marker].Count() > 1), seen.Stats.BlobsReceived,
            stored.Count, lost, seen.Stats.Duplicates, seen.Stats.LostAnswers,
            seen.Entries.Where(e => e.State == TurnState.Dead).ToList(), seen.Entries.Count(e => e.State == TurnState.Pending), silent);
    }

    /// <summary>What went wrong; empty when the soak passed.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        void Check(bool wrong, string what)
        {
            if (wrong)
            {
                problems.Add($"{Seen.Journal}: {what}");
            }
        }
        Check(Recorded == 0, "no turn was recorded");
        Check(Lost > 0, $"{Lost} recorded turns lost");
        Check(RecordedTwice > 0, $"{RecordedTwice} lines recorded twice in the journal");
        Check(Duplicates > LostAnswers, $"{Duplicates} duplicates but only {LostAnswers} lost answers");
        Check(Dead.Count > 0, $"{Dead.Count} dead turns: {string.Join("; ", Dead.Select(d => d.LastError).Distinct())}");
        Check(Pending > 0, $"{Pending} turns still pending {Seen.Drain.TotalSeconds:0} s after the faults were cleared");
        Check(SilentStops.Count > 0, string.Join("; ", SilentStops));
        Check(Seen.DaemonExits.Any(e => e.Cause == DaemonExitCause.StoppedAtEnd && e.Code != 0), "a daemon stopped with SIGTERM did not exit 0");
        return problems;
    }
}
