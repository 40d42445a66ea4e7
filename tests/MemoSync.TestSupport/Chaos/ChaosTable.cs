using System.Globalization;

namespace MemoSync.TestSupport.Chaos;

/// <summary>The soaks' outcomes side by side, as a markdown table, then the problems found (or that there were none).</summary>
public static class ChaosTable
{
    public static void Print(IReadOnlyList<ChaosOutcome> outcomes, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(output);
        (string Measure, Func<ChaosOutcome, string> Value)[] rows =
        [
            ("chaos / drain after it (s)", o => $"{o.Seen.Chaos.TotalSeconds:0} / {o.Seen.Drain.TotalSeconds:0}"),
            ("turns recorded (acknowledged by `record`)", o => $"{o.Recorded}"),
            ("`record` runs: exit code ×runs", o => $"{o.Seen.RecordExits.Count}: {Tally(o.Seen.RecordExits.Select(c => c.ToString(CultureInfo.InvariantCulture)))}"),
            ("received (blobs Memobase stored)", o => $"{o.Received}"),
            ("distinct turns received", o => $"{o.Distinct}"),
            ("**lost**", o => $"**{o.Lost}**"),
            ("duplicates / lost answers injected", o => $"{o.Duplicates} / {o.LostAnswers}"),
            ("dead", o => o.Dead.Count == 0 ? "0" : $"{o.Dead.Count}: {string.Join("; ", o.Dead.Select(d => d.LastError).Distinct())}"),
            ("pending after the drain", o => $"{o.Pending}"),
            ("faults injected / API requests", o => $"{o.Seen.Stats.FaultsInjected} / {o.Seen.Stats.Requests}"),
            ("outages / journal locks (longest, s) / daemons SIGKILLed", o =>
                $"{o.Seen.Outages} / {o.Seen.Locks.Count} ({(o.Seen.Locks.Count == 0 ? 0 : o.Seen.Locks.Max().TotalSeconds):0.0}) / {o.Seen.Kills}"),
            ("daemon exits: code ×exits (why)", o => Tally(o.Seen.DaemonExits.Select(e => $"{e.Code} ({Why(e)})"))),
            ("stopped without being restarted", o => o.SilentStops.Count == 0 ? "nothing" : string.Join("; ", o.SilentStops)),
        ];
        output.WriteLine();
        output.WriteLine($"| measure | {string.Join(" | ", outcomes.Select(o => o.Seen.Journal))} |");
        output.WriteLine($"| --- |{string.Concat(outcomes.Select(_ => " ---: |"))}");
        foreach (var (measure, value) in rows)
        {
            output.WriteLine($"| {measure} | {string.Join(" | ", outcomes.Select(value))} |");
        }
        output.WriteLine();
        var problems = outcomes.SelectMany(o => o.Problems()).ToList();
        output.WriteLine(problems.Count == 0
            ? "0 lost, duplicates within the lost answers, no dead turn, nothing stopped without a restart."
            : "PROBLEMS: " + string.Join(Environment.NewLine + "PROBLEMS: ", problems));
    }

    private static string Why(DaemonExit exit) => exit.Cause switch
    {
        DaemonExitCause.KilledBySoak => "SIGKILL by the soak",
        DaemonExitCause.StoppedAtEnd => "SIGTERM at the end",
        _ => exit.Restarted ? "on its own, restarted" : "on its own, not restarted",
    };

    private static string Tally(IEnumerable<string> values) =>
        string.Join(", ", values.GroupBy(v => v).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ×{g.Count()}"));
}
